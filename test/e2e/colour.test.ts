// A tagged source's colours survive the job: the frames reach the model as ffmpeg reads them to RGB (with the
// source's matrix and range), and the output is written with that matrix and says so in its tags.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { psnr, rawFrames, videoStreamEntries } from '../support/media.js';

const colourTags = (path: string) => videoStreamEntries(path, 'color_space,color_primaries,color_transfer,color_range');

describe('colour', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-colour-'));
  const model = join(dir, 'invert.onnx');
  const bt709 = join(dir, 'bt709.mp4');
  const full = join(dir, 'full.mp4');
  const src = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=0.48'];

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    // HD video's usual tags; testsrc2's saturated colours are several levels off when read with the wrong matrix
    await runTool(ffmpegPath(), [
      ...src, '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p',
      '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', '-c:v', 'libx264', '-qp', '0', bt709,
    ]);
    // a full-range ("JPEG") source, as some phones record
    await runTool(ffmpegPath(), [...src, '-vf', 'format=yuvj420p', '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuvj420p', full]);
  });

  /** The source as ffmpeg reads it to RGB, inverted: what the job's output should look like. */
  async function invertedSource(path: string): Promise<Uint8Array> {
    return (await rawFrames(path)).map((v) => 255 - v);
  }

  /** ffmpeg's own negate filter (which inverts Y'CbCr, converting nothing) through one x264 encode at stylerun's settings. */
  async function ffmpegNegate(path: string): Promise<Buffer> {
    const out = join(dir, 'negate.mp4');
    await runTool(ffmpegPath(), ['-v', 'error', '-y', '-i', path, '-vf', 'negate', '-c:v', 'libx264', '-crf', '18', '-preset', 'veryfast', out]);
    return rawFrames(out);
  }

  it.each(['h264', 'ffv1'])('keeps a BT.709 source\'s matrix and tags through %s chunks', async (codec) => {
    const output = join(dir, `bt709-${codec}.mp4`);
    const r = await runCli(['-n', '2', '--input', bt709, '--output', output, '--model', model, '--chunk-codec', codec, '--work-dir', join(dir, `w-${codec}`)], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await colourTags(output)).toBe('tv,bt709,bt709,bt709');
    const truth = await invertedSource(bt709);
    // measured: h264 36.8 dB, ffv1 35.0 (RGB chunks: chroma resampled at testsrc2's sharp edges), ffmpeg's negate 37.7;
    // with BT.601 conversions, as before the matrix was kept, 27
    expect(psnr(await rawFrames(output), truth)).toBeGreaterThan(psnr(await ffmpegNegate(bt709), truth) - 3);
  });

  it('sends a full-range source\'s frames to the model as RGB, which ffmpeg reads with its range', async () => {
    const output = join(dir, 'full-out.mp4');
    const r = await runCli(['-n', '1', '--input', full, '--output', output, '--model', model, '--work-dir', join(dir, 'w-full')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('uint8 rgb24 frames converted inside the graph');
    // limited range out, as every H.264 output of stylerun (x264 states it only beside other tags; unstated is limited)
    expect((await colourTags(output)).split(',')[0]).not.toBe('pc');
    const truth = await invertedSource(full);
    // measured 35.3 dB against ffmpeg's negate's 38.4
    expect(psnr(await rawFrames(output), truth)).toBeGreaterThan(psnr(await ffmpegNegate(full), truth) - 3.5);
  });
});
