import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, runCli } from '../support/cli.js';
import { streamFacts, videoPts } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-rates-'));
const model = join(dir, 'invert.onnx');
writeFileSync(model, invertModel());

describe('odd frame rates keep their frame count and timing', () => {
  it.each([
    ['stream-of-water.mp4', 3, true],
    ['bottle-detection.mp4', 2, false],
    ['flower.mp4', 2, true],
  ])('%s over %i ranks', async (name, n, hasAudio) => {
    const input = join(dataDir, 'video', name);
    const output = join(dir, `styled-${name}`);
    const r = await runCli(['-n', String(n), '--input', input, '--output', output, '--model', model], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const src = await streamFacts(input);
    const out = await streamFacts(output);
    expect(out.frames).toBe(src.frames);
    expect([out.width, out.height]).toEqual([src.width, src.height]);
    expect(out.rFrameRate).toBe(src.rFrameRate);
    const frameS = 1 / eval(src.rFrameRate); // "num/den"
    expect(Math.abs(out.duration - src.duration)).toBeLessThanOrEqual(frameS + 1e-3);
    expect(await videoPts(output)).toEqual(await videoPts(input));
    if (hasAudio) expect(Math.abs(out.audioDuration! - src.audioDuration!)).toBeLessThanOrEqual(frameS);
    else expect(out.audioCodec).toBeUndefined();
  });
});
