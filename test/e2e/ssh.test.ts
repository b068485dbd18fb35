import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, runCli, startCli } from '../support/cli.js';
import { readIndices, makeIndexedVideo, videoPts } from '../support/media.js';
import { argvLeaks } from '../support/argv-scan.js';

// A real sshd (Debian's openssh-server, installed by .ci/run) on a loopback port, reached as "rankhost"
// through an ssh config: to the launcher, a host that is not this machine, so its ranks start over ssh.
// It runs in a mount namespace of its own (unshare -m) where a tmpfs covers the launcher's folder (input,
// model, job store): its ranks share no disk with the launcher, as on a real cluster without NFS.
const asRoot = process.getuid?.() === 0;
const sshd = '/usr/sbin/sshd';
const runnable = asRoot && existsSync(sshd);

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect({ host: '127.0.0.1', port }).once('connect', () => (c.destroy(), resolve(true))).once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${port}`);
}

describe.skipIf(!runnable)('ranks on a host reached over ssh', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-ssh-')); // the launcher's folder, hidden from rankhost
  const sshdDir = mkdtempSync(join(tmpdir(), 'stylerun-sshd-')); // sshd's keys and config, and the client's
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const config = join(sshdDir, 'ssh_config');
  let daemon: ChildProcess;
  const agent = () => ['--launch-agent', `ssh -F ${config} -o BatchMode=yes`, '--coordinator-address', '127.0.0.1'];

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 61, { audio: true });
    for (const k of ['host_key', 'client_key']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(sshdDir, k)]);
    execFileSync('cp', [join(sshdDir, 'client_key.pub'), join(sshdDir, 'authorized_keys')]);
    const port = await freePort();
    writeFileSync(join(sshdDir, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(sshdDir, 'host_key')}`, `PidFile ${join(sshdDir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(sshdDir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
      'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', '',
    ].join('\n'));
    writeFileSync(config, [
      'Host rankhost', '  HostName 127.0.0.1', `  Port ${port}`, '  User root', `  IdentityFile ${join(sshdDir, 'client_key')}`,
      '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  LogLevel ERROR', '',
    ].join('\n'));
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    const hidden = `mount -t tmpfs -o size=1m stylerun-no-shared-disk ${dir} && exec ${sshd} -D -f ${join(sshdDir, 'sshd_config')} -E ${join(sshdDir, 'sshd.log')}`;
    daemon = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', hidden], { stdio: 'ignore' });
    await waitForPort(port);
  });

  afterAll(() => daemon?.kill());

  it('runs them on a host that cannot see the launcher’s files', () => {
    const seen = execFileSync('ssh', ['-F', config, '-o', 'BatchMode=yes', 'rankhost', `ls -A ${dir}; test -e ${input} && echo input-visible || true`]).toString();
    expect(existsSync(input)).toBe(true);
    expect(seen.trim()).toBe(''); // an empty tmpfs where the launcher's folder is
  });

  it('starts them with the user’s ssh, over TLS, and the job comes out frame-exact', async () => {
    const output = join(dir, 'out.mp4');
    const scratchBefore = readdirSync(tmpdir()).filter((n) => n.startsWith('stylerun-rank-'));
    const work = join(dir, 'work');
    const job = startCli(['-n', '3', '--host', 'rankhost:2,localhost:1', ...agent(), '--input', input, '--output', output, '--model', model, '--chunk-frames', '5', '--work-dir', work], {
      cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' },
    });
    // while it runs: the job token is on no process's command line (ssh's, the ranks', ffmpeg's)
    let token: string | undefined;
    const leaks = await argvLeaks(() => {
      if (!token) {
        const record = existsSync(work) ? readdirSync(work).map((id) => join(work, id, 'coordinator.json')).find((f) => existsSync(f)) : undefined;
        if (record) token = JSON.parse(readFileSync(record, 'utf8')).jobToken as string;
      }
      return token ? [token] : [];
    }, job.done);
    const r = await job.done;
    expect(r.code, r.stderr).toBe(0);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
    expect(leaks).toEqual([]);
    // ranks 0 and 1 are on rankhost: their chunks came over PutChunk, and they left no scratch folder
    expect(r.stderr).toMatch(/rank 0 sent chunk-\d{9}-5\.mp4/);
    expect(r.stderr).toMatch(/rank 1 sent chunk-\d{9}-5\.mp4/);
    expect(r.stderr).not.toMatch(/rank 2 sent chunk-/);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('stylerun-rank-'))).toEqual(scratchBefore);
    // ranks on other hosts reach the coordinator beyond loopback, and only over TLS
    expect(r.stderr).toMatch(/coordinator on 0\.0\.0\.0:\d+ \(TLS, certificate /);
    expect(r.stdout).toMatch(/frames 61, ranks 3 /);
    expect(await readIndices(output, true)).toEqual([...Array(61).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
  }, 120_000);

  it('fails fast on a host that cannot be reached, naming it and quoting ssh', async () => {
    const t0 = Date.now();
    const r = await runCli(['-n', '1', '--host', 'nosuchhost.invalid:1', '--max-restarts', '0', '--input', join(dataDir, 'video', 'stream-of-water.mp4'), '--output', join(dir, 'x.mp4'), '--model', model, '--work-dir', join(dir, 'work-x')], { cwd: dir });
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/rank 0 on nosuchhost\.invalid: ssh: Could not resolve hostname nosuchhost\.invalid/);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/root cause: rank 0 on nosuchhost\.invalid: process exited with code 255/);
    expect(Date.now() - t0).toBeLessThan(30_000);
  }, 60_000);
});
