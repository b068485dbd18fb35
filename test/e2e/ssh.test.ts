import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, runCli } from '../support/cli.js';
import { readIndices, makeIndexedVideo, videoPts } from '../support/media.js';

// A real sshd (Debian's openssh-server, installed by .ci/run) on a loopback port, reached as "rankhost"
// through an ssh config: to the launcher, a host that is not this machine, so its ranks start over ssh.
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
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-ssh-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const config = join(dir, 'ssh_config');
  let daemon: ChildProcess;
  const agent = () => ['--launch-agent', `ssh -F ${config} -o BatchMode=yes`, '--coordinator-address', '127.0.0.1'];

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 61, { audio: true });
    for (const k of ['host_key', 'client_key']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, k)]);
    execFileSync('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
    const port = await freePort();
    writeFileSync(join(dir, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
      'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', '',
    ].join('\n'));
    writeFileSync(config, [
      'Host rankhost', '  HostName 127.0.0.1', `  Port ${port}`, '  User root', `  IdentityFile ${join(dir, 'client_key')}`,
      '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  LogLevel ERROR', '',
    ].join('\n'));
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    daemon = spawn(sshd, ['-D', '-f', join(dir, 'sshd_config'), '-E', join(dir, 'sshd.log')], { stdio: 'ignore' });
    await waitForPort(port);
  });

  afterAll(() => daemon?.kill());

  it('starts them with the user’s ssh, over TLS, and the job comes out frame-exact', async () => {
    const output = join(dir, 'out.mp4');
    const r = await runCli(['-n', '3', '--host', 'rankhost:2,localhost:1', ...agent(), '--input', input, '--output', output, '--model', model, '--chunk-frames', '5', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
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
