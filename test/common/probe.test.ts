import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import { probeWithFfmpeg } from '../../common/ffmpeg/probe-with-ffmpeg.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { interlacing, uprightSampleAspect, uprightSize } from '../../common/ffmpeg/video-info.js';
import { dataDir } from '../support/cli.js';

const video = (name: string) => join(dataDir, 'video', name);

describe('probing a video', () => {
  it.each([
    ['friday.mp4', 185, 640, 480, 'aac'],
    ['flower.mp4', 150, 960, 540, 'aac'],
    ['stream-of-water.mp4', 90, 480, 360, 'aac'],
    ['bottle-detection.mp4', 1189, 640, 360, undefined],
  ])('counts the frames of %s from its stream', async (name, frames, width, height, audio) => {
    const info = await probeVideo(video(name));
    expect(info.pts).toHaveLength(frames);
    expect([info.width, info.height]).toEqual([width, height]);
    expect(info.audio?.codec).toBe(audio);
    expect([...info.pts].sort((a, b) => a - b)).toEqual(info.pts);
  });

  it.each(['friday.mp4', 'flower.mp4', 'stream-of-water.mp4', 'bottle-detection.mp4'])(
    'finds the same frames, time base and start with ffmpeg alone as with ffprobe for %s',
    async (name) => {
      const a = await probeVideo(video(name));
      const b = await probeWithFfmpeg(video(name));
      expect(b.pts).toEqual(a.pts);
      expect(b.timeBase).toEqual(a.timeBase);
      expect([b.width, b.height, b.codec, b.startSeconds]).toEqual([a.width, a.height, a.codec, a.startSeconds]);
      expect(b.audio?.codec).toBe(a.audio?.codec);
      expect(b.colour).toEqual(a.colour);
      expect(b.rFrameRate.num / b.rFrameRate.den).toBeCloseTo(a.rFrameRate.num / a.rFrameRate.den, 2);
    },
  );

  it('says a text file is not a video, with ffmpeg alone too', async () => {
    await expect(probeWithFfmpeg(join(dataDir, 'README.md'))).rejects.toThrow(/is not a video/);
    await expect(probeVideo(join(dataDir, 'README.md'))).rejects.toThrow(/is not a video/);
  });

  it('gives a video stored with a quarter turn its upright size, as ffmpeg decodes it, with ffmpeg alone too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-probe-rotation-'));
    const plain = join(dir, 'plain.mp4');
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x32:r=10:d=0.5', '-pix_fmt', 'yuv420p', plain]);
    for (const degrees of [90, 180]) {
      const rotated = join(dir, `rotated-${degrees}.mp4`);
      await runTool(ffmpegPath(), ['-v', 'error', '-i', plain, '-c', 'copy', '-metadata:s:v:0', `rotate=${degrees}`, rotated]);
      const size = degrees === 90 ? [32, 64] : [64, 32];
      for (const info of [await probeVideo(rotated), await probeWithFfmpeg(rotated)]) {
        expect([info.width, info.height]).toEqual(size);
        expect(Math.abs(info.rotation ?? 0)).toBe(degrees);
      }
    }
    const info = await probeVideo(plain);
    expect([info.width, info.height, info.rotation]).toEqual([64, 32, undefined]);
  });
});

it('reads a sample aspect ratio that is not square, turned with the frames, with ffmpeg alone too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-probe-sar-'));
  const dv = join(dir, 'dv.mp4');
  const turned = join(dir, 'turned.mp4');
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=72x48:r=10:d=0.5', '-vf', 'setsar=8/9', '-pix_fmt', 'yuv420p', dv]);
  await runTool(ffmpegPath(), ['-v', 'error', '-i', dv, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', turned]);
  for (const info of [await probeVideo(dv), await probeWithFfmpeg(dv)]) expect(info.sampleAspect).toEqual({ num: 8, den: 9 });
  for (const info of [await probeVideo(turned), await probeWithFfmpeg(turned)]) expect(info.sampleAspect).toEqual({ num: 9, den: 8 });
  expect((await probeVideo(join(dataDir, 'video', 'friday.mp4'))).sampleAspect).toBeUndefined();
});

it('reads which field of an interlaced video comes first, with ffmpeg alone too (where its stream line says)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-probe-interlaced-'));
  const tff = join(dir, 'tff.mp4');
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=0.4', '-vf', 'tinterlace=4', '-flags', '+ildct+ilme', '-x264-params', 'tff=1', '-pix_fmt', 'yuv420p', tff]);
  expect((await probeVideo(tff)).interlaced).toBe('top');
  // ffmpeg 4.1's stream line does not say; 5.1's says "yuv420p(top first)"
  const says = /top first/.test((await runTool(ffmpegPath(), ['-hide_banner', '-i', tff, '-f', 'null', '-frames:v', '1', '-'])).stderr);
  expect((await probeWithFfmpeg(tff)).interlaced).toBe(says ? 'top' : undefined);
  expect((await probeVideo(join(dataDir, 'video', 'flower.mp4'))).interlaced).toBeUndefined();
});

it('tells a picture from a video, an animated GIF being a video, with ffmpeg alone too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-probe-still-'));
  const make = async (name: string, args: string[]) => {
    const path = join(dir, name);
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=32x24:r=10', ...args, path]);
    return path;
  };
  const still = [await make('one.gif', ['-frames:v', '1']), await make('one.png', ['-frames:v', '1']), await make('one.jpg', ['-frames:v', '1'])];
  const animated = await make('anim.gif', ['-frames:v', '5']);
  for (const probe of [probeVideo, probeWithFfmpeg]) {
    for (const path of still) await expect(probe(path)).rejects.toThrow(/is a still image \((gif|image2|png_pipe|jpeg_pipe)\), not a video/);
    expect((await probe(animated)).pts).toHaveLength(5);
  }
});

describe('interlacing', () => {
  it('reads ffprobe\'s field order and ffmpeg\'s stream line', () => {
    expect(['tt', 'tb', 'top first', 'tv, bt709, top first', 'top coded first (swapped)'].map(interlacing)).toEqual(Array(5).fill('top'));
    expect(['bb', 'bt', 'bottom first', 'bottom coded first (swapped'].map(interlacing)).toEqual(Array(4).fill('bottom'));
    expect(['progressive', 'unknown', '', undefined, 'tv, bt709'].map(interlacing)).toEqual(Array(5).fill(undefined));
  });
});

describe('uprightSampleAspect', () => {
  it('is undefined for square, 0:1 (unknown) or unstated pixels', () => {
    for (const s of ['1:1', '0:1', 'N/A', undefined, '5:5']) expect(uprightSampleAspect(s, undefined)).toBeUndefined();
  });
  it('is inverted by a quarter turn, not by a half turn', () => {
    expect(uprightSampleAspect('32:27', 90)).toEqual({ num: 27, den: 32 });
    expect(uprightSampleAspect('32:27', 180)).toEqual({ num: 32, den: 27 });
  });
});

describe('uprightSize', () => {
  it('swaps width and height for a quarter turn either way, and keeps them for none or a half turn', () => {
    for (const r of [90, -90, 270, -270, 90.0001]) expect(uprightSize(1920, 1080, r)).toEqual({ width: 1080, height: 1920 });
    for (const r of [undefined, 0, 180, -180, 360]) expect(uprightSize(1920, 1080, r)).toEqual({ width: 1920, height: 1080 });
  });
});
