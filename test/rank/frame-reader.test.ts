import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { DecodeError } from '../../rank/decode-error.js';
import { FrameReader } from '../../rank/frame-reader.js';
import { FramePool } from '../../rank/frame-pool.js';

const input = join(mkdtempSync(join(tmpdir(), 'stylerun-reader-')), 'four.nut');
const range = { input, start: 0, seekSeconds: 0, trimSeconds: -1, width: 16, height: 16, format: 'rgb24' } as const;

beforeAll(async () => {
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=25', '-frames:v', '4', '-c:v', 'ffv1', '-f', 'nut', input]);
});

async function readAll(reader: FrameReader): Promise<Buffer[]> {
  const frames: Buffer[] = [];
  for (let f = await reader.next(); f; f = await reader.next()) frames.push(f);
  return frames;
}

describe('FrameReader', () => {
  it('gives every frame of its range as raw RGB, then undefined', async () => {
    const reader = new FrameReader({ ...range, count: 4 });
    const frames = await readAll(reader);
    reader.close();
    expect(frames.map((f) => f.length)).toEqual([768, 768, 768, 768]);
  });

  it('copies frames into the buffers its pool was given back, with the same bytes as into new ones', async () => {
    const pool = new FramePool(768, 8);
    const given = [pool.take(), pool.take()].map((b) => b.fill(0xaa));
    for (const b of given) pool.give(b);
    const reader = new FrameReader({ ...range, count: 4 }, 4, pool);
    const frames = await readAll(reader);
    reader.close();
    expect(frames[0]).toBe(given[1]);
    expect(frames[1]).toBe(given[0]);
    const fresh = new FrameReader({ ...range, count: 4 });
    const expected = await readAll(fresh);
    fresh.close();
    expect(frames.map((f, i) => f.equals(expected[i]!))).toEqual([true, true, true, true]);
    expect(() => new FrameReader({ ...range, count: 4 }, 4, new FramePool(384, 1))).toThrow(/pool of 384-byte frames/);
  });

  it('gives yuv420p frames, the Y plane then Cb then Cr (384 bytes at 16x16), when the model takes them', async () => {
    const reader = new FrameReader({ ...range, count: 4, format: 'yuv420p' });
    const frames = await readAll(reader);
    reader.close();
    const planes = execFileSync(ffmpegPath(), ['-v', 'error', '-i', input, '-f', 'rawvideo', '-pix_fmt', 'yuv420p', 'pipe:1']);
    expect(frames.map((f) => f.length)).toEqual([384, 384, 384, 384]);
    expect(Buffer.concat(frames).equals(planes)).toBe(true);
  });

  it('fails with DECODE_SHORT, saying how many frames came, when the input holds fewer than its range', async () => {
    const reader = new FrameReader({ ...range, count: 6 });
    const error = await readAll(reader).catch((e: unknown) => e);
    reader.close();
    expect(error).toBeInstanceOf(DecodeError);
    expect(error).toMatchObject({ code: 'DECODE_SHORT', start: 0, count: 6, delivered: 4, message: 'decoder gave 4 of 6 frames from frame 0' });
  });
});
