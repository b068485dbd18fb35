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
