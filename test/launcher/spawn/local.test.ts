import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log.js';
import { CoordinatorServer, type ServerEvent } from '../../../launcher/coordinator/server.js';
import { LocalSpawner } from '../../../launcher/spawn/local.js';
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

  function startRank(port: number, token: string): RankProcess {
    const env = { STYLERUN_RANK: '0', STYLERUN_WORLD_SIZE: '1', STYLERUN_COORDINATOR: `127.0.0.1:${port}`, STYLERUN_ATTEMPT: '1', STYLERUN_DEVICE: 'cpu' };
    const proc = new LocalSpawner(quiet).start(0, 'here', env, token);
    started.push(proc);
    return proc;
  }

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
});
