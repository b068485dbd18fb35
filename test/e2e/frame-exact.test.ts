import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { makeIndexedVideo, readIndices, videoPts } from '../support/media.js';
import { runCli } from '../support/cli.js';

describe('frame exactness', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-exact-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const frames = 103; // not divisible by 2, 3 or 4

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
    expect(await readIndices(input)).toEqual([...Array(frames).keys()]);
  });

  it('gives every frame back exactly once on a machine with ffmpeg but no ffprobe', async () => {
    const output = join(dir, 'out-no-ffprobe.mp4');
    const r = await runCli(['-n', '3', '--input', input, '--output', output, '--model', model, '--chunk-frames', '7', '--work-dir', join(dir, 'work')], { cwd: dir, env: { STYLERUN_FFPROBE: 'none' } });
    expect(r.code, r.stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
  });

  it('keeps a variable-rate video frame-exact, with every original timestamp', async () => {
    const vfr = join(dir, 'variable.mp4');
    await makeIndexedVideo(vfr, frames, { variableRate: true });
    const pts = await videoPts(vfr);
    expect(new Set(pts.slice(1).map((p, i) => p - pts[i]))).toEqual(new Set([40, 65, 90])); // really variable
    // (ffmpeg's MP4 muxer hides the last frames of such a file behind its edit list: the frames that are
    // shown are the input's frames)
    const shown = await readIndices(vfr);
    expect(shown).toEqual([...Array(shown.length).keys()]);
    expect(shown.length).toBe(pts.length);
    const output = join(dir, 'out-variable.mp4');
    const r = await runCli(['-n', '3', '--input', vfr, '--output', output, '--model', model, '--chunk-frames', '6', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual(shown);
    expect(await videoPts(output)).toEqual(pts);
  });

  it('keeps every timestamp of a 5,000-frame source whose every frame has a random duration', async () => {
    const irregular = join(dir, 'irregular.mp4');
    const count = 5000;
    await makeIndexedVideo(irregular, count, { randomSpacing: true });
    const pts = await videoPts(irregular);
    expect(pts.length).toBe(count);
    expect(new Set(pts.slice(1).map((p, i) => p - pts[i])).size).toBeGreaterThan(30); // really irregular
    const output = join(dir, 'out-irregular.mp4');
    // 250-frame chunks: each chunk's encoder gets a chain of several setpts filters (24 terms each)
    const r = await runCli(['-n', '3', '--input', irregular, '--output', output, '--model', model, '--device', 'cpu', '--chunk-frames', '250', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await videoPts(output)).toEqual(pts);
    expect(await readIndices(output, true)).toEqual([...Array(count).keys()]);
  }, 300_000);

  it.each([2, 3, 4])('gives every one of 103 frames back exactly once, in order, with -n %i', async (n) => {
    const output = join(dir, `out-${n}.mp4`);
    const r = await runCli(['-n', String(n), '--input', input, '--output', output, '--model', model, '--chunk-frames', '5', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
  });
});
