import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, type CliResult } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-log-text-'));
const model = join(dir, 'invert.onnx');
const input = join(dir, 'in.mp4');

beforeAll(async () => {
  writeFileSync(model, invertModel());
  await makeIndexedVideo(input, 6);
});

function stylerun(name: string, args: string[], fault?: string): Promise<CliResult> {
  const base = ['--input', input, '--output', join(dir, `${name}.mp4`), '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work')];
  return runCli([...base, ...args], { cwd: dir, env: fault ? { STYLERUN_FAULT: fault } : {} });
}

const lastLine = (r: CliResult) => r.stderr.trim().split('\n').pop() ?? '';

describe('a local host is named one way', () => {
  // a malformed fault stops the rank before it joins, when only the launcher's name for its host is known
  it.each([
    ['without a hostfile', []],
    ['with a hostfile that calls this machine 127.0.0.1', ['--hostfile', 'loopback.txt']],
  ])("names a rank that failed before joining by the machine's hostname, %s", async (_, args) => {
    writeFileSync(join(dir, 'loopback.txt'), '127.0.0.1 slots=1\n');
    const r = await stylerun('before-join', ['-n', '1', '--max-restarts', '0', ...args], 'rank=0,action=nonsense');
    expect(r.code, r.stderr).toBe(7);
    expect(lastLine(r)).toContain(`root cause: rank 0 on ${hostname()}: process exited with code 1`);
  });
});

describe('a root cause', () => {
  it("does not count the launcher's own SIGTERM of a hung rank as part of the cause", async () => {
    const r = await stylerun('hang', ['-n', '1', '--max-restarts', '0', '--heartbeat-timeout', '2'], 'rank=0,after=ready,action=hang');
    expect(r.code, r.stderr).toBe(7);
    expect(lastLine(r)).toMatch(/root cause: rank 0 on \S+: no heartbeat for \d+ ms \(hung or cut off\); finish it with stylerun --resume/);
    expect(r.stderr).not.toMatch(/exit code 143/);
  });
});

describe('the summary after an elastic shrink', () => {
  it('gives the ranks of the last attempt and how many there were at start', async () => {
    // one-frame chunks: attempt 2 still has work for both ranks, and slot 1 fails again
    const r = await stylerun('shrink', ['-n', '2', '--chunk-frames', '1', '--min-ranks', '1', '--max-restarts', '3'], 'rank=1,after=1,action=exit');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 3: succeeded, 1 ranks/);
    expect(r.stdout).toMatch(/frames 6, ranks 1 \(cpu; 2 at start\), attempts 3,/);
  });
});
