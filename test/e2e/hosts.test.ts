import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli } from '../support/cli.js';
import { makeIndexedVideo, readIndices, videoPts } from '../support/media.js';
import { canMakeHosts, makeHosts, type NsHosts } from '../support/netns-hosts.js';

// Two hosts made of network namespaces (test/support/netns-hosts.ts): addresses of their own, a real sshd
// each, and the launcher's folder hidden under a tmpfs. The launcher runs here and starts no rank itself.
describe.skipIf(!canMakeHosts())('ranks on two hosts that share no disk with the launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-hosts-')); // the launcher's folder
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const hostfile = join(dir, 'hosts.txt');
  let net: NsHosts;

  /** Runs `test` with hosts of its own, for tests that break them. */
  async function onFreshHosts(test: () => Promise<void>): Promise<void> {
    net.destroy();
    net = await makeHosts(['hosta', 'hostb'], dir);
    await test();
  }

  const job = (output: string, work: string, extra: string[] = []) => [
    '--hostfile', hostfile, '--launch-agent', net.launchAgent, '--coordinator-address', net.launcherAddress,
    '--input', input, '--output', output, '--model', model, '--work-dir', work, ...extra,
  ];

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 600, { audio: true });
    writeFileSync(hostfile, 'hosta slots=2\nhostb slots=2\n');
    net = await makeHosts(['hosta', 'hostb'], dir);
  }, 60_000);

  afterAll(() => net?.destroy());

  it('cannot see the launcher’s folder from either host', () => {
    for (const h of ['hosta', 'hostb']) expect(net.ssh(h, `ls -A ${dir}`).trim()).toBe('');
  });

  it('styles every frame once, in order, with the source’s timestamps', async () => {
    const output = join(dir, 'out.mp4');
    const scratchBefore = readdirSync(tmpdir()); // the hosts' /tmp is this one: only the launcher's folder is hidden
    const r = await runCli(['-n', '4', ...job(output, join(dir, 'work'), ['--chunk-frames', '25'])], { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/frames 600, ranks 4 /);
    // every rank, on both hosts, sent its chunks to the launcher
    for (const rank of [0, 1, 2, 3]) expect(r.stderr).toMatch(new RegExp(`rank ${rank} sent chunk-\\d{9}-25\\.mp4`));
    expect(await readIndices(output, true)).toEqual([...Array(600).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
    // no scratch folder left behind by this job's ranks (ranks killed in other tests leave theirs)
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('stylerun-rank-') && !scratchBefore.includes(n))).toEqual([]);
  }, 180_000);

  it('finishes on the host that is left when the other dies mid-job, keeping what was committed', () => onFreshHosts(async () => {
    const output = join(dir, 'out-death.mp4');
    const started = startCli(['-n', '4', ...job(output, join(dir, 'work-death'), ['--chunk-frames', '10', '--min-ranks', '2'])], {
      cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' },
    });
    // hostb dies once three of its chunks are in (the first ones' ChunkCommitted has left by then)
    let stderr = '';
    await new Promise<void>((resolve) => {
      started.child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/rank [23] sent chunk-/g) ?? []).length >= 3) resolve();
      });
      void started.done.then(() => resolve());
    });
    net.kill('hostb');
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1: failed, 4 ranks, 600 frames \(0 redone\); root cause: rank [23] on hostb/);
    // the committed chunks stayed: later attempts styled fewer frames than the whole video
    const later = [...r.stdout.matchAll(/attempt (\d+): \w+, (\d) ranks, (\d+) frames/g)].slice(1);
    expect(later.length).toBeGreaterThan(0);
    for (const [, , , frames] of later) expect(Number(frames)).toBeLessThan(600);
    expect(r.stdout).toMatch(/attempt \d: succeeded, 2 ranks/); // hostb left out whole
    expect(await readIndices(output, true)).toEqual([...Array(600).keys()]);
  }), 300_000);

  it('finishes on the host that is left when the other’s link is cut mid-job, and the cut-off ranks exit on their own', () => onFreshHosts(async () => {
    const output = join(dir, 'out-cut.mp4');
    const started = startCli(['-n', '4', ...job(output, join(dir, 'work-cut'), ['--chunk-frames', '10', '--min-ranks', '2', '--heartbeat-interval', '1', '--heartbeat-timeout', '4'])], {
      cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' },
    });
    let stderr = '';
    await new Promise<void>((resolve) => {
      started.child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/rank [23] sent chunk-/g) ?? []).length >= 3) resolve();
      });
      void started.done.then(() => resolve());
    });
    net.cut('hostb');
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    // its ranks went silent: the heartbeat timeout names them, and later attempts cannot reach the host
    expect(r.stdout).toMatch(/attempt 1: failed, 4 ranks, 600 frames \(0 redone\); root cause: rank [23] on hostb/);
    expect(r.stdout).toMatch(/attempt \d: succeeded, 2 ranks/);
    expect(await readIndices(output, true)).toEqual([...Array(600).keys()]);
    // the ranks left on hostb see their coordinator stream die (keepalive) and exit: only sshd remains
    const others = () => net.pids('hostb').filter((pid) => {
      try {
        return !readFileSync(`/proc/${pid}/comm`, 'utf8').startsWith('sshd');
      } catch {
        return false;
      }
    });
    for (let i = 0; i < 60 && others().length > 0; i++) await new Promise((res) => setTimeout(res, 500));
    expect(others()).toEqual([]);
  }), 300_000);

  it('reruns when an ssh connection to a rank is cut mid-job, and the cut-off rank does not linger', () => onFreshHosts(async () => {
    const output = join(dir, 'out-ssh-cut.mp4');
    const started = startCli(['-n', '4', ...job(output, join(dir, 'work-ssh-cut'), ['--chunk-frames', '10'])], { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' } });
    let stderr = '';
    await new Promise<void>((resolve) => {
      started.child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/rank 3 sent chunk-/g) ?? []).length >= 2) resolve();
      });
      void started.done.then(() => resolve());
    });
    // the launcher's ssh clients to hostb: cut one (as a dropped connection or a killed client would)
    const clients = execFileSync('pgrep', ['-f', '-P', String(started.child.pid), 'ssh -F .* hostb']).toString().trim().split('\n').map(Number);
    expect(clients.length).toBe(2);
    process.kill(clients[1]!, 'SIGKILL');
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1: failed, 4 ranks, 600 frames \(0 redone\); root cause: rank [23] on hostb: process (exited with code \d+|was killed by SIGKILL)/);
    expect(r.stdout).toMatch(/attempt 2: succeeded, 4 ranks/); // the host is fine: it stays
    expect(await readIndices(output, true)).toEqual([...Array(600).keys()]);
    // the rank whose ssh was cut learnt of it from its coordinator stream and exited
    const ranksLeft = () => net.pids('hostb').filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('rank/main.js');
      } catch {
        return false;
      }
    });
    for (let i = 0; i < 40 && ranksLeft().length > 0; i++) await new Promise((res) => setTimeout(res, 500));
    expect(ranksLeft()).toEqual([]);
  }), 300_000);
});
