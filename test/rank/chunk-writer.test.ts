import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoSpaceError } from '../../common/errors/no-space-error.js';
import { LocalChunkStore } from '../../common/storage/local-store.js';
import { ChunkWriter, encodeArgs } from '../../rank/chunk-writer.js';
import type { ChunkRecord } from '../../common/storage/storage.js';

// A 64 KB tmpfs cannot hold one 320x240 frame of noise, which FFV1 cannot compress.
const asRoot = process.getuid?.() === 0;
const dir = join(mkdtempSync(join(tmpdir(), 'stylerun-writer-')), 'full');
const width = 320;
const height = 240;

beforeAll(() => {
  if (!asRoot) return;
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', dir]);
});

afterAll(() => {
  if (asRoot) execFileSync('umount', [dir]);
});

const encodings = [
  { codec: 'h264', crf: 18, preset: 'veryfast', pix_fmt: 'yuv420p', max_b_frames: 3 },
  { codec: 'ffv1', crf: 0, preset: '', pix_fmt: '', max_b_frames: 0 },
];

describe.skipIf(!asRoot)('ChunkWriter on a full disk', () => {
  it.each(encodings)('fails with NO_SPACE, commits nothing and leaves no staged file, rather than waiting forever on the dead $codec encoder', async (encoding) => {
    const store = new LocalChunkStore(dir);
    const committed: ChunkRecord[] = [];
    const writer = new ChunkWriter({
      store, width, height, frameFormat: 'rgb24', start: 0, end: 8, chunkFrames: 8, pts: [0, 1, 2, 3, 4, 5, 6, 7], timeBase: { num: 1, den: 25 }, encoding, onCommit: (c) => committed.push(c),
    });
    const writeAll = async () => {
      for (let i = 0; i < 8; i++) await writer.write(randomBytes(width * height * 3));
    };
    const error = await writeAll().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoSpaceError);
    expect((error as NoSpaceError).code).toBe('NO_SPACE');
    expect(committed).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
  }, 30_000);
});

describe('a chunk encoder\'s colour', () => {
  const tb = { num: 1, den: 25 };
  const h264 = encodings[0]!;
  const bt709 = { ...h264, color_space: 'bt709', color_primaries: 'bt709', color_trc: 'bt709', color_range: 'tv', yuv_matrix: 'bt709' };
  const filterOf = (args: string[]) => args[args.indexOf('-vf') + 1];

  it('is left alone for an untagged source: the arguments (and so the chunk bytes) are what they were', () => {
    const args = encodeArgs(width, height, [0, 1], tb, { ...h264, yuv_matrix: 'bt601' }, '/c.mp4', 'rgb24');
    expect(args.some((a) => a.startsWith('-color'))).toBe(false);
    expect(filterOf(args)).toBe('settb=1/25,setpts=0+1*N');
  });

  it('converts RGB frames with the source\'s matrix, and tags the chunk as the source was', () => {
    const args = encodeArgs(width, height, [0, 1], tb, bt709, '/c.mp4', 'rgb24');
    expect(filterOf(args)).toBe('settb=1/25,setpts=0+1*N,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p');
    expect(args.join(' ')).toContain('-colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv');
  });

  it('only tags yuv420p frames, which the model already converted with that matrix', () => {
    const args = encodeArgs(width, height, [0, 1], tb, bt709, '/c.mp4', 'yuv420p');
    expect(filterOf(args)).toBe('settb=1/25,setpts=0+1*N');
    expect(args).toContain('-colorspace');
  });

  it('gives H.264 chunks the source\'s sample aspect ratio, which raw frames do not carry, after any conversion', () => {
    expect(filterOf(encodeArgs(width, height, [0, 1], tb, { ...bt709, sample_aspect_ratio: '8:9' }, '/c.mp4', 'rgb24')))
      .toBe('settb=1/25,setpts=0+1*N,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p,setsar=8/9');
    expect(filterOf(encodeArgs(width, height, [0, 1], tb, { ...h264, sample_aspect_ratio: '' }, '/c.mp4', 'yuv420p'))).toBe('settb=1/25,setpts=0+1*N');
  });
});
