import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, processesMentioning, runCli } from '../support/cli.js';
import { fingerprint256, makeCoordinatorCertificate } from '../../common/tls.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-habits-'));
const model = join(dir, 'invert.onnx');
writeFileSync(model, invertModel());
const input = join(dataDir, 'video', 'stream-of-water.mp4');

describe('mpirun habits', () => {
  it('-x VAR=value reaches every rank: a fault given only that way makes rank 1 exit', async () => {
    const work = join(dir, 'work-x');
    const r = await runCli(
      ['-n', '2', '-x', 'STYLERUN_FAULT=rank=1,attempt=1,after=2,action=exit', '--max-restarts', '0', '--input', input, '--output', join(dir, 'x.mp4'), '--model', model, '--work-dir', work],
      { cwd: dir },
    );
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/root cause: rank 1 .*process exited with code 3/);
  });

  it('refuses -x of an unset variable, and of a variable stylerun sets for each rank, in one line', async () => {
    const unset = await runCli(['-x', 'NOT_SET_ANYWHERE_42', '--input', input, '--output', join(dir, 'y.mp4')], { cwd: dir });
    expect(unset.code).toBe(2);
    expect(unset.stderr.trim().split('\n').at(-1)).toBe('stylerun: error: -x NOT_SET_ANYWHERE_42: NOT_SET_ANYWHERE_42 is not set here (give -x NOT_SET_ANYWHERE_42=value)');
    const reserved = await runCli(['-x', 'STYLERUN_RANK=3', '--input', input, '--output', join(dir, 'y.mp4')], { cwd: dir });
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toMatch(/-x STYLERUN_RANK: stylerun sets STYLERUN_RANK for each rank itself/);
  });

  it('--timeout stops a job that runs past it, with exit code 9, no output and no rank left, and says how to finish it', async () => {
    const work = join(dir, 'work-timeout');
    const output = join(dir, 'slow.mp4');
    // rank 0 hangs after 5 frames; the heartbeat timeout would take 60 s, --timeout 4 s
    const r = await runCli(
      ['-n', '2', '--timeout', '4', '--heartbeat-timeout', '60', '--input', input, '--output', output, '--model', model, '--work-dir', work],
      { cwd: dir, env: { STYLERUN_FAULT: 'rank=0,attempt=1,after=5,action=hang' } },
    );
    expect(r.code, r.stderr).toBe(9);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^stylerun: error: stopped: the job ran past its --timeout; finish it with stylerun --resume [0-9a-f]{8} --work-dir \S+$/);
    expect(existsSync(output)).toBe(false);
    expect(processesMentioning(work)).toEqual([]);
  }, 60_000);

  it('--output-dir keeps everything each rank printed, as DIR/rank.N.log', async () => {
    const logs = join(dir, 'logs');
    // a malformed fault spec makes the ranks die at start with a stack trace on stderr (the first to die is the
    // root cause; the other may be stopped before it prints)
    const r = await runCli(
      ['-n', '2', '-x', 'STYLERUN_FAULT=rank=1,action=explode', '--max-restarts', '0', '--output-dir', logs, '--input', input, '--output', join(dir, 'z.mp4'), '--model', model, '--work-dir', join(dir, 'work-logs')],
      { cwd: dir },
    );
    expect(r.code).toBe(7);
    const cause = Number(/root cause: rank (\d)/.exec(r.stderr)?.[1]);
    expect(readFileSync(join(logs, `rank.${cause}.log`), 'utf8'), r.stderr).toMatch(/STYLERUN_FAULT: action must be one of crash\|exit\|hang\|preempt/);
    expect(existsSync(join(logs, `rank.${1 - cause}.log`))).toBe(true);
  });
});

describe('TLS on the control plane', () => {
  it('--tls: the ranks join over TLS, pinning the job’s own certificate, and the job comes out whole', async () => {
    const r = await runCli(['-n', '2', '--tls', '--input', input, '--output', join(dir, 'tls.mp4'), '--model', model, '--work-dir', join(dir, 'work-tls')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/coordinator on 127\.0\.0\.1:\d+ \(TLS, certificate ([0-9A-F]{2}:){31}[0-9A-F]{2}\)/);
    expect(r.stdout).toMatch(/frames 90, ranks 2 /);
  });

  it('--tls-cert and --tls-key: the user’s own certificate', async () => {
    const own = await makeCoordinatorCertificate();
    writeFileSync(join(dir, 'cert.pem'), own.certPem);
    writeFileSync(join(dir, 'key.pem'), own.keyPem, { mode: 0o600 });
    const r = await runCli(['-n', '2', '--tls-cert', 'cert.pem', '--tls-key', 'key.pem', '--input', input, '--output', join(dir, 'own.mp4'), '--model', model, '--work-dir', join(dir, 'work-own')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`(TLS, certificate ${fingerprint256(own.certPem)})`);
  });

  it('refuses a certificate without its key, or a file that is no certificate, in one line with exit code 2', async () => {
    const alone = await runCli(['--tls-cert', 'cert.pem', '--input', input, '--output', join(dir, 'x.mp4')], { cwd: dir });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--tls-cert and --tls-key go together/);
    writeFileSync(join(dir, 'not-a-cert.pem'), 'hello\n');
    const bad = await runCli(['--tls-cert', 'not-a-cert.pem', '--tls-key', 'key.pem', '--input', input, '--output', join(dir, 'x.mp4'), '--model', model, '--work-dir', join(dir, 'work-bad')], { cwd: dir });
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n').at(-1)).toMatch(/^stylerun: error: --tls-cert\/--tls-key: /);
  });
});
