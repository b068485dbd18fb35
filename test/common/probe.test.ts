import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import { probeWithFfmpeg } from '../../common/ffmpeg/probe-with-ffmpeg.js';
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
});
