// An animated GIF is a video (it was refused as "a still image"): styled into an MP4 frame for frame, at its own
// frame times, as ffmpeg's own conversion of it would be.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { psnr, rawFrames, videoPts } from '../support/media.js';

describe('an animated GIF', () => {
  it('is styled into an MP4, every frame at its time, as close to ffmpeg\'s own negate as two encodes are', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-gif-'));
    const model = join(dir, 'invert.onnx');
    const gif = join(dir, 'anim.gif');
    const output = join(dir, 'anim.mp4');
    const yardstick = join(dir, 'negate.mp4');
    writeFileSync(model, invertModel());
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=80x60:r=10:d=2', gif]);
    const r = await runCli(['-n', '2', '--input', gif, '--output', output, '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/input 80x60, 20 frames, gif/);
    await runTool(ffmpegPath(), ['-v', 'error', '-i', gif, '-vf', 'negate', '-c:v', 'libx264', '-crf', '18', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', yardstick]);
    expect(await videoPts(output)).toEqual(await videoPts(gif)); // the GIF's own time base, 1/100 s
    expect(psnr(await rawFrames(output), await rawFrames(yardstick))).toBeGreaterThan(35);
  }, 60_000);
});
