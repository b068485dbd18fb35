// The output displays at the source's shape. A phone video is often stored sideways with a display rotation that
// players (and ffmpeg's decoder) apply: the ranks receive the frames upright, so the job must size them upright
// too (it took a 320x180 frame stored with a quarter turn for 320x180 while the decoder gave 180x320, and styled
// garbage). Anamorphic video (DV, DVD, HDV) has pixels that are not square: the output keeps their ratio (it was
// written square, so a 4:3 DV picture came out 3:2).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { psnr, rawFrames, streamFacts, videoStreamEntries } from '../support/media.js';

const pixelShape = (path: string) => videoStreamEntries(path, 'sample_aspect_ratio,display_aspect_ratio');

describe('a source stored with a display rotation', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-rotation-'));
  const model = join(dir, 'invert.onnx');
  const plain = join(dir, 'plain.mp4');
  const rotated = (degrees: number) => join(dir, `rotated-${degrees}.mp4`);

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=0.6', '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv420p', plain]);
    // the rotate tag becomes the mp4's display matrix (ffmpeg 4.1 and 5.1), as a phone writes it
    for (const degrees of [90, 180, 270]) await runTool(ffmpegPath(), ['-v', 'error', '-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, rotated(degrees)]);
  });

  it.each([
    [90, 'h264', 180, 320],
    [270, 'ffv1', 180, 320],
    [180, 'h264', 320, 180],
  ])('turned %i degrees, is styled upright through %s chunks and written upright (%ix%i), as ffmpeg shows it', async (degrees, codec, width, height) => {
    const output = join(dir, `out-${degrees}-${codec}.mp4`);
    const r = await runCli(['-n', '2', '--input', rotated(degrees), '--output', output, '--model', model, '--chunk-codec', codec, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`input ${width}x${height}, 15 frames`));
    // stored upright, with no rotation left for a player to apply again
    const facts = await streamFacts(output);
    expect([facts.width, facts.height, facts.frames]).toEqual([width, height, 15]);
    const upright = await rawFrames(rotated(degrees));
    expect(psnr(await rawFrames(output), upright.map((v) => 255 - v))).toBeGreaterThan(30);
  }, 60_000);
});

describe('a source whose pixels are not square', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-sar-'));
  const model = join(dir, 'invert.onnx');
  // NTSC DV's shape: 720x480 stored, 4:3 shown (a small one: 180x120 with the same 8:9 pixels)
  const dv = join(dir, 'dv.mp4');
  const dvTurned = join(dir, 'dv-turned.mp4');

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=180x120:r=25:d=0.4', '-vf', 'setsar=8/9', '-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv420p', dv]);
    await runTool(ffmpegPath(), ['-v', 'error', '-i', dv, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', dvTurned]);
  });

  it.each(['h264', 'ffv1'])('keeps its sample aspect ratio through %s chunks, in MP4 and Matroska', async (codec) => {
    expect(await pixelShape(dv)).toBe('8:9,4:3');
    for (const container of ['mp4', 'mkv']) {
      const output = join(dir, `dv-${codec}.${container}`);
      const r = await runCli(['-n', '2', '--input', dv, '--output', output, '--model', model, '--chunk-codec', codec, '--work-dir', join(dir, 'work')], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(await pixelShape(output)).toBe('8:9,4:3');
    }
  }, 60_000);

  it('turned a quarter, is written upright with its pixels turned too (9:8)', async () => {
    const output = join(dir, 'dv-turned-out.mp4');
    const r = await runCli(['-n', '2', '--input', dvTurned, '--output', output, '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await pixelShape(output)).toBe('9:8,3:4');
    expect(psnr(await rawFrames(output), (await rawFrames(dvTurned)).map((v) => 255 - v))).toBeGreaterThan(30);
  }, 60_000);
});
