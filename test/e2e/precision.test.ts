import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeIndexedVideo, streamFacts } from '../support/media.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-precision-'));
const video = join(dir, 'in.mp4');

beforeAll(() => makeIndexedVideo(video, 8));

describe('--precision', () => {
  // fp16 itself is checked where it applies (test/models/float16.test.ts, test/rank/stylizer.test.ts, and on a
  // GPU by scripts/gpu/check-data-plane.sh); here: a job asked for fp16 on the CPU runs, in fp32, and says so.
  it('runs a job asked for fp16 on the CPU in fp32, saying once per rank why', async () => {
    const output = join(dir, 'out.mp4');
    const r = await runCli(['-n', '2', '--input', video, '--output', output, '--model', 'painterly-starry', '--device', 'cpu', '--precision', 'fp16', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/--precision fp16 not applied: the cpu provider has no fp16 kernels/g)).toHaveLength(2);
    expect(r.stdout).toMatch(/ranks 2 \(cpu\)/); // the summary names the provider without "fp16"
    expect((await streamFacts(output)).frames).toBe(8);
  });

});

describe('--quiet and --verbose', () => {
  // the fp16 warning on the CPU is a warning each rank gives: --quiet must keep it
  it('says nothing but warnings and the summary with --quiet, and debug lines too with --verbose', async () => {
    const job = (flag: string) => runCli(['-n', '2', '--input', video, '--output', join(dir, `${flag}.mp4`), '--model', 'painterly-starry', '--device', 'cpu', '--precision', 'fp16', '--work-dir', join(dir, 'work'), flag], { cwd: dir });
    const quiet = await job('--quiet');
    expect(quiet.code, quiet.stderr).toBe(0);
    // the ranks' warnings stay; no info line from the launcher or a rank
    expect(quiet.stderr.trim().split('\n').every((l) => /^\[rank \d\] warn: --precision fp16 not applied/.test(l))).toBe(true);
    expect(quiet.stdout).toMatch(/^done: /);
    const verbose = await job('--verbose');
    expect(verbose.code, verbose.stderr).toBe(0);
    expect(verbose.stderr).toMatch(/\[stylerun\] debug: job checking -> styling/);
    expect(verbose.stderr).toMatch(/\[stylerun\] input 104x16/);
    const both = await runCli(['--input', video, '--output', join(dir, 'x.mp4'), '-q', '-v'], { cwd: dir });
    expect([both.code, both.stderr.trim()]).toEqual([2, 'stylerun: error: --quiet and --verbose go against each other: give one']);
  });
});
