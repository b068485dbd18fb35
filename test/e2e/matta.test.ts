import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { runCli } from '../support/cli.js';
import { rawFrames, streamFacts } from '../support/media.js';

describe('the default style, matta (a trained TransformerNet built from its ml5 checkpoint)', () => {
  it('styles a clip whose sides are not multiples of 4 and gives it back at its own size', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-matta-'));
    const input = join(dir, 'in.mp4');
    const output = join(dir, 'styled.mp4');
    // tiny on purpose: matta costs about 0.8 s a 320x240 frame on one core; 4 frames of 66x50 cost it 0.2 s
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=66x50:rate=10', '-frames:v', '4', '-pix_fmt', 'yuv420p', input]);
    const r = await runCli(['-n', '1', '--input', input, '--output', output, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/dynamic input, padded to a multiple of 4/);
    const facts = await streamFacts(output);
    expect([facts.width, facts.height, facts.frames]).toEqual([66, 50, 4]);
    // a style, not a copy: the pixels move a long way from the test pattern
    const [before, after] = [await rawFrames(input), await rawFrames(output)];
    expect(after.length).toBe(before.length);
    const meanAbsDiff = before.reduce((sum, v, i) => sum + Math.abs(v - after[i]!), 0) / before.length;
    expect(meanAbsDiff).toBeGreaterThan(20);
  });
});
