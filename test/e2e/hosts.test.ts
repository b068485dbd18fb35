import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMakeHosts, makeHosts, type NsHosts } from '../../scripts/netns/hosts.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { resolveEntry } from '../../launcher/spawn/entry.js';
import { runCli, startCli, type CliResult } from '../support/cli.js';
import { startAzurite } from '../../scripts/azurite/azurite.js';
import { frameHashes, makeIndexedVideo, readIndices, videoPts } from '../support/media.js';

// Three hosts made of network namespaces (scripts/netns/hosts.ts): addresses of their own, a real sshd
// each, and the launcher's folder hidden under a tmpfs. The launcher runs here and starts no rank itself.
const names = ['hosta', 'hostb', 'hostc'];
const frames = 600;
// what a rank's command line names: the bundled entry after `npm run build`
const rankEntry = resolveEntry();

describe.skipIf(!canMakeHosts())('ranks on three hosts that share no disk with the launcher', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-hosts-')); // the launcher's folder
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const hostfile = join(dir, 'hosts.txt');
  const reference = join(dir, 'reference.mp4');
  let net: NsHosts;

  const job = (output: string, extra: string[] = []) => [
    '-n', '3', '--hostfile', hostfile, '--launch-agent', net.launchAgent, '--coordinator-address', net.launcherAddress,
    '--input', input, '--output', output, '--model', model, '--work-dir', join(dir, `work-${output.split('/').pop()}`),
    '--chunk-frames', '10', ...extra,
  ];

  /** The pids of processes on `host` whose command line contains `text`. */
  const processesOn = (host: string, text: string) =>
    net.pids(host).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false; // gone already
      }
    });

  async function noneLeft(host: string, text: string): Promise<number[]> {
    for (let i = 0; i < 60 && processesOn(host, text).length > 0; i++) await new Promise((r) => setTimeout(r, 500));
    return processesOn(host, text);
  }

  /**
   * Runs the job on fresh hosts and breaks hostc (rank 2) with `fault` once two of its chunks are in, so that
   * work is committed on every host; the output must equal a fault-free run's, frame for frame.
   */
  async function brokenRun(name: string, fault: (launcherPid: number) => void, extra: string[] = []): Promise<CliResult> {
    if (!existsSync(reference)) expect((await runCli(job(reference), { cwd: dir })).code).toBe(0); // when run alone (-t)
    net.destroy();
    net = await makeHosts(names, dir);
    const output = join(dir, `${name}.mp4`);
    const started = startCli(job(output, ['--min-ranks', '2', ...extra]), { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' } });
    let stderr = '';
    await new Promise<void>((resolve) => {
      started.child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/rank 2 sent chunk-/g) ?? []).length >= 2) resolve();
      });
      void started.done.then(() => resolve());
    });
    fault(started.child.pid!);
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`attempt 1: failed, 3 ranks, ${frames} frames \\(0 redone\\); root cause: rank 2 on hostc`));
    // the committed chunks stayed: no later attempt styled the whole video again
    const later = [...r.stdout.matchAll(/attempt (\d+): \w+, (\d) ranks, (\d+) frames/g)].slice(1);
    expect(later.length).toBeGreaterThan(0);
    for (const [, , , n] of later) expect(Number(n)).toBeLessThan(frames);
    expect(await frameHashes(output)).toEqual(await frameHashes(reference));
    return r;
  }

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
    writeFileSync(hostfile, names.map((h) => `${h} slots=1`).join('\n'));
    net = await makeHosts(names, dir);
  }, 60_000);

  afterAll(() => net?.destroy());

  it('cannot see the launcher’s folder from any host', () => {
    for (const h of names) expect(net.ssh(h, `ls -A ${dir}`).trim()).toBe('');
  });

  it('styles every frame once, in order, with the source’s timestamps, each host sending its chunks', async () => {
    const scratchBefore = readdirSync(tmpdir()); // the hosts' /tmp is this one: only the launcher's folder is hidden
    const r = await runCli(job(reference), { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`frames ${frames}, ranks 3 `));
    for (const rank of [0, 1, 2]) expect(r.stderr).toMatch(new RegExp(`rank ${rank} sent chunk-\\d{9}-10\\.mp4`));
    expect(await readIndices(reference, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(reference)).toEqual(await videoPts(input));
    // no scratch folder left behind by this job's ranks (ranks killed in other tests leave theirs)
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('stylerun-rank-') && !scratchBefore.includes(n))).toEqual([]);
  }, 180_000);

  it('uploads each host’s chunks straight to a Blob --work-dir with a SAS per chunk, none through the launcher', async () => {
    // Azurite on the launcher's bridge address, which every host reaches
    const azurite = await startAzurite(net.launcherAddress);
    try {
      await azurite.service.createContainer('ops');
      if (!existsSync(reference)) expect((await runCli(job(reference), { cwd: dir })).code).toBe(0); // when run alone (-t)
      const output = join(dir, 'blob-work.mp4');
      const args = job(output, ['--keep-work']);
      args[args.indexOf('--work-dir') + 1] = 'az://ops/jobs';
      const r = await runCli(args, { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug', AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/a write SAS for chunk-\S+ made/g)).toHaveLength(frames / 10);
      expect(r.stderr).not.toMatch(/rank \d sent chunk-/);
      const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
      let chunks = 0;
      for await (const b of azurite.service.getContainerClient('ops').listBlobsFlat({ prefix: `jobs/${jobId}/chunks/` })) chunks += b.name.endsWith('.mp4') ? 1 : 0;
      expect(chunks).toBe(frames / 10);
      expect(await frameHashes(output)).toEqual(await frameHashes(reference));
    } finally {
      await azurite.stop();
    }
  }, 180_000);

  it('gives a fault-free run’s output when a remote rank is killed mid-job, rerunning on every host', async () => {
    const r = await brokenRun('rank-killed', () => {
      for (const pid of processesOn('hostc', rankEntry)) process.kill(pid, 'SIGKILL');
    });
    expect(r.stdout).toMatch(/attempt 2: succeeded, 3 ranks/); // the host is fine: it stays
  }, 300_000);

  it('gives a fault-free run’s output when a host dies mid-job, finishing without it', async () => {
    const r = await brokenRun('host-killed', () => net.kill('hostc'));
    expect(r.stdout).toMatch(/attempt \d: succeeded, 2 ranks/); // hostc left out whole
  }, 300_000);

  it('gives a fault-free run’s output when a host’s link is cut mid-job, and its cut-off rank exits on its own', async () => {
    const r = await brokenRun('link-cut', () => net.cut('hostc'), ['--heartbeat-interval', '1', '--heartbeat-timeout', '4']);
    expect(r.stdout).toMatch(/root cause: rank 2 on hostc: no heartbeat/);
    expect(r.stdout).toMatch(/attempt \d: succeeded, 2 ranks/);
    // its rank sees the coordinator stream die (gRPC keepalive) and exits; sshd alone remains
    expect(await noneLeft('hostc', rankEntry)).toEqual([]);
  }, 300_000);

  it('gives a fault-free run’s output when the ssh connection to a rank is cut mid-job, and that rank exits', async () => {
    const r = await brokenRun('ssh-cut', (launcher) => {
      const clients = execFileSync('pgrep', ['-f', '-P', String(launcher), 'ssh -F .* hostc']).toString().trim().split('\n').map(Number);
      expect(clients.length).toBe(1);
      process.kill(clients[0]!, 'SIGKILL');
    });
    expect(r.stdout).toMatch(/attempt 2: succeeded, 3 ranks/);
    // it learns of it from its coordinator stream, which the launcher ends with the attempt
    expect(await noneLeft('hostc', rankEntry)).toEqual([]);
  }, 300_000);

  it('stops every remote rank on Ctrl-C (exit 130, no output), and --resume then gives a fault-free run’s output', async () => {
    if (!existsSync(reference)) expect((await runCli(job(reference), { cwd: dir })).code).toBe(0); // when run alone (-t)
    const output = join(dir, 'interrupted.mp4');
    const args = job(output);
    const started = startCli(args, { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' } });
    let stderr = '';
    await new Promise<void>((resolve) => {
      started.child.stderr!.on('data', (b: Buffer) => {
        stderr += b.toString();
        if ((stderr.match(/rank 2 sent chunk-/g) ?? []).length >= 2) resolve();
      });
    });
    started.child.kill('SIGINT');
    const r = await started.done;
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^stylerun: error: interrupted by SIGINT.*finish it with stylerun --resume [0-9a-f]{8}/);
    expect(existsSync(output)).toBe(false);
    for (const h of names) expect(await noneLeft(h, rankEntry)).toEqual([]);
    const jobId = /--resume ([0-9a-f]{8})/.exec(r.stderr)![1]!;
    const work = args[args.indexOf('--work-dir') + 1]!;
    const resumed = await runCli(['--resume', jobId, '--work-dir', work, '--launch-agent', net.launchAgent, '--coordinator-address', net.launcherAddress], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await frameHashes(output)).toEqual(await frameHashes(reference));
  }, 300_000);
});
