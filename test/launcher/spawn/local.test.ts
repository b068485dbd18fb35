import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log.js';
import { CoordinatorServer, type ServerEvent } from '../../../launcher/coordinator/server.js';
import { liveGroups, LocalSpawner, sameStartupVariables, prestartCap } from '../../../launcher/spawn/local.js';
import type { RankProcess } from '../../../launcher/spawn/spawner.js';

const jobToken = '5ec2e7'.repeat(8);
const quiet = createLogger('test', () => {});

describe('LocalSpawner hands a rank its job token', () => {
  let server: CoordinatorServer;
  let events: ServerEvent[];
  const started: RankProcess[] = [];

  async function coordinator(): Promise<number> {
    events = [];
    server = new CoordinatorServer(jobToken, () => ({ job_id: 'c0ffee01', state: 'init', attempt: 1, total_frames: 0, committed_frames: 0, ranks: [] }));
    server.onEvent((e) => events.push(e));
    return server.listen('127.0.0.1', 0);
  }

  const rankEnv = (port: number) => ({ STYLERUN_RANK: '0', STYLERUN_WORLD_SIZE: '1', STYLERUN_COORDINATOR: `127.0.0.1:${port}`, STYLERUN_ATTEMPT: '1', STYLERUN_DEVICE: 'cpu' });

  function startRank(port: number, token: string, spawner = new LocalSpawner(quiet)): RankProcess {
    const proc = spawner.start(0, 'here', rankEnv(port), token);
    started.push(proc);
    return proc;
  }

  async function joined(): Promise<number | undefined> {
    while (!events.some((e) => e.kind === 'join')) await new Promise((r) => setTimeout(r, 50));
    const join = events.find((e) => e.kind === 'join');
    return join?.kind === 'join' ? join.join.pid : undefined;
  }

  const alive = (pid: number) => {
    try {
      return !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z '); // a zombie is gone but for its parent's wait
    } catch {
      return false;
    }
  };

  afterEach(async () => {
    await Promise.all(started.splice(0).map((p) => p.stop(1000)));
    await server.close();
  });

  it('joins with the token while neither its environment nor its command line holds it', async () => {
    const proc = startRank(await coordinator(), jobToken);
    while (!events.some((e) => e.kind === 'join')) await new Promise((r) => setTimeout(r, 50));
    const join = events.find((e) => e.kind === 'join');
    expect(join?.kind === 'join' && join.join.pid).toBe(proc.pid);
    const environ = readFileSync(`/proc/${proc.pid}/environ`, 'utf8');
    const cmdline = readFileSync(`/proc/${proc.pid}/cmdline`, 'utf8');
    expect(environ).toContain('STYLERUN_JOB_TOKEN_FD=3');
    expect(environ).not.toContain(jobToken);
    expect(cmdline).not.toContain(jobToken);
  });

  it('is refused, and exits, when the token it was handed is wrong', async () => {
    const proc = startRank(await coordinator(), 'not-the-token');
    const exit = await proc.exited;
    expect(exit.exitCode).not.toBe(0);
    expect(events.filter((e) => e.kind === 'join')).toEqual([]);
  });

  it('gives a process started ahead of the job its rank and token over stdin, where it joins as that rank', async () => {
    const spawner = new LocalSpawner(quiet);
    const before = new Set(liveGroups);
    spawner.prestart(['here'], {});
    const [ahead] = [...liveGroups].filter((pid) => !before.has(pid));
    expect(ahead).toBeDefined();
    await new Promise((r) => setTimeout(r, 300)); // it loads meanwhile, and waits
    const proc = startRank(await coordinator(), jobToken, spawner);
    expect(proc.pid).toBe(ahead);
    expect(await joined()).toBe(ahead);
    const environ = readFileSync(`/proc/${proc.pid}/environ`, 'utf8');
    expect(environ).toContain('STYLERUN_BOOTSTRAP=stdin');
    expect(environ).not.toContain(jobToken);
    expect(environ).not.toContain('STYLERUN_COORDINATOR'); // the job's variables came later, in the bootstrap
  });

  it('starts a fresh process when the one started ahead has another library path, and kills that one', async () => {
    const spawner = new LocalSpawner(quiet);
    const before = new Set(liveGroups);
    spawner.prestart(['here'], { LD_LIBRARY_PATH: '/opt/elsewhere' });
    const [ahead] = [...liveGroups].filter((pid) => !before.has(pid));
    const proc = startRank(await coordinator(), jobToken, spawner);
    expect(proc.pid).not.toBe(ahead);
    expect(await joined()).toBe(proc.pid);
    for (let i = 0; i < 40 && alive(ahead!); i++) await new Promise((r) => setTimeout(r, 50));
    expect(alive(ahead!)).toBe(false);
  });

  it('kills every process started ahead that no rank took, and settles once they are gone', async () => {
    await coordinator();
    const spawner = new LocalSpawner(quiet);
    const before = new Set(liveGroups);
    spawner.prestart(['here', 'here'], {});
    const ahead = [...liveGroups].filter((pid) => !before.has(pid));
    expect(ahead).toHaveLength(2);
    await spawner.discardPrestarted();
    // reaped already: nothing of theirs holds the launcher's event loop (test/e2e/exit.test.ts)
    expect(ahead.filter(alive)).toEqual([]);
    expect([...liveGroups].filter((pid) => ahead.includes(pid))).toEqual([]);
  });
});

describe('prestartCap', () => {
  it('is one process per core, at least 8', () => {
    expect(prestartCap(2)).toBe(8);
    expect(prestartCap(16)).toBe(16);
  });
});

describe('sameStartupVariables', () => {
  it('needs what the loader, Node and glibc read at start to match, and nothing else', () => {
    expect(sameStartupVariables({ PATH: '/a', STYLERUN_RANK: '1' }, { PATH: '/b', STYLERUN_RANK: '2', STYLERUN_X: 'y' })).toBe(true);
    expect(sameStartupVariables({ LD_LIBRARY_PATH: '/a' }, { LD_LIBRARY_PATH: '/a' })).toBe(true);
    expect(sameStartupVariables({ LD_LIBRARY_PATH: '/a' }, { LD_LIBRARY_PATH: '/b' })).toBe(false);
    expect(sameStartupVariables({}, { LD_PRELOAD: '/x.so' })).toBe(false);
    expect(sameStartupVariables({ NODE_OPTIONS: '--max-old-space-size=100' }, {})).toBe(false);
    expect(sameStartupVariables({}, { UV_THREADPOOL_SIZE: '8' })).toBe(false);
    expect(sameStartupVariables({ GLIBC_TUNABLES: 'a' }, { GLIBC_TUNABLES: 'b' })).toBe(false);
  });
});
