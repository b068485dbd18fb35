import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { countVideoPackets } from '../../common/ffmpeg/count-packets.js';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { mp4VideoSamples } from '../../common/ffmpeg/mp4-samples.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { codecArgs } from '../../rank/chunk-writer.js';
import { dataDir } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-mp4-'));
const h264 = { codec: 'h264', crf: 18, preset: 'veryfast', pix_fmt: 'yuv420p', max_b_frames: 3 };
const ffmpeg = (...args: string[]) => runTool(ffmpegPath(), ['-v', 'error', '-y', ...args]);

/** A chunk as a rank writes one: the output's H.264 in an MP4 with no edit list. */
async function chunk(frames: number): Promise<string> {
  const path = join(dir, `chunk-${frames}.mp4`);
  await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=96x64:rate=25', '-frames:v', String(frames), ...codecArgs(h264), '-f', 'mp4', '-use_editlist', '0', path);
  return path;
}

const videos = ['friday.mp4', 'flower.mp4', 'bottle-detection.mp4', 'stream-of-water.mp4'].map((n) => join(dataDir, 'video', n));

describe('mp4VideoSamples', () => {
  let chunks: Record<number, string> = {};
  beforeAll(async () => {
    chunks = Object.fromEntries(await Promise.all([1, 7, 59].map(async (n) => [n, await chunk(n)] as const)));
  });

  it('counts the frames of chunks as ranks write them (B-frames included), as ffprobe does', async () => {
    for (const [frames, path] of Object.entries(chunks)) {
      expect(mp4VideoSamples(readFileSync(path))).toBe(Number(frames));
      expect(await countVideoPackets(path)).toBe(Number(frames));
    }
  });

  it("counts the first video track's samples of real videos with audio, whichever track comes first, as ffprobe does", async () => {
    for (const video of videos) {
      const audioFirst = join(dir, `audio-first-${video.split('/').pop()}`);
      await ffmpeg('-i', video, '-map', '0:a?', '-map', '0:v', '-c', 'copy', '-use_editlist', '0', '-f', 'mp4', audioFirst);
      expect(mp4VideoSamples(readFileSync(audioFirst)), video).toBe(await countVideoPackets(audioFirst));
    }
  });

  it('declines a file with an edit list, which a reader may cut (ffprobe then counts)', () => {
    // the videos as their makers wrote them carry edit lists
    for (const video of videos.slice(0, 3)) expect(mp4VideoSamples(readFileSync(video)), video).toBeUndefined();
  });

  it('declines a fragmented MP4, whose frames live outside the sample table', async () => {
    const fragmented = join(dir, 'fragmented.mp4');
    await ffmpeg('-i', chunks[59]!, '-c', 'copy', '-movflags', 'frag_keyframe+empty_moov', fragmented);
    expect(mp4VideoSamples(readFileSync(fragmented))).toBeUndefined();
  });

  it('declines a truncated file, an empty one, a NUT file and one with no video track', async () => {
    const whole = readFileSync(chunks[59]!);
    expect(mp4VideoSamples(whole.subarray(0, whole.length - 100))).toBeUndefined();
    expect(mp4VideoSamples(whole.subarray(0, 5))).toBeUndefined();
    expect(mp4VideoSamples(new Uint8Array(0))).toBeUndefined();
    const nut = join(dir, 'chunk.nut');
    await ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25', '-frames:v', '3', '-c:v', 'ffv1', '-f', 'nut', nut);
    expect(mp4VideoSamples(readFileSync(nut))).toBeUndefined();
    const audioOnly = join(dir, 'audio.mp4');
    await ffmpeg('-i', videos[0]!, '-vn', '-c', 'copy', '-use_editlist', '0', audioOnly);
    expect(mp4VideoSamples(readFileSync(audioOnly))).toBeUndefined();
  });
});
