import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import { LocalChunkStore } from '../../common/storage/local-store.js';
import type { ChunkRecord } from '../../common/storage/storage.js';
import type { Assignment__Output } from '../../proto/generated/stylerun/v1/Assignment.js';
import { CancelledError } from '../../rank/cancelled-error.js';
import { runAssignment, type WorkStats } from '../../rank/worker.js';
import { makeIndexedVideo, readIndices } from '../support/media.js';

// Real ffmpeg decoders and encoders around a fake model (255 - x, like the invert model) that takes
// its time, as a slow GPU would.
const dir = mkdtempSync(join(tmpdir(), 'stylerun-worker-'));
const input = join(dir, 'indexed.mp4');
let info: VideoInfo;

beforeAll(async () => {
  await makeIndexedVideo(input, 40);
  info = await probeVideo(input);
});

function invertingStylizer(batchSize: number, delayMs: number) {
  return {
    batchSize,
    frameFormat: 'rgb24' as const,
    async run(frames: readonly Buffer[]): Promise<Buffer[]> {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      return frames.map((f) => Buffer.from(f.map((v) => 255 - v)));
    },
  };
}

/** An assignment of the given [start, count) ranges of the input, in chunks of `chunkFrames`. */
function assignment(ranges: [number, number][], chunkFrames: number, store: string): Assignment__Output {
  const tb = info.timeBase.num / info.timeBase.den;
  return {
    input, input_served: false, input_url: false, chunk_store: store, chunks_to_coordinator: false, chunks_to_blob: false, chunk_frames: chunkFrames, width: info.width, height: info.height,
    time_base_num: info.timeBase.num, time_base_den: info.timeBase.den,
    encoding: { codec: 'h264', crf: 18, preset: 'veryfast', pix_fmt: 'yuv420p', max_b_frames: 3, color_space: '', color_primaries: '', color_trc: '', color_range: '', yuv_matrix: '', sample_aspect_ratio: '' },
    ranges: ranges.map(([start, count]) => ({
      start, count, seek_seconds: 0,
      trim_seconds: start === 0 ? -1 : ((info.pts[start]! + info.pts[start - 1]!) / 2) * tb,
      pts: info.pts.slice(start, start + count),
    })),
  };
}

describe('runAssignment', () => {
  it('styles every frame of several ranges exactly once, committing their chunks in order on the job’s chunk grid', async () => {
    const storeDir = join(dir, 'two-ranges');
    const store = new LocalChunkStore(storeDir);
    const chunks: ChunkRecord[] = [];
    const progress: number[] = [];
    const run = runAssignment(assignment([[3, 11], [25, 7]], 4, storeDir), invertingStylizer(3, 20), store, {
      onChunk: (c) => chunks.push(c),
      onFrames: (s) => progress.push(s.frames),
    });
    const stats = await run.done;
    // chunks end on multiples of 4, wherever a range starts
    expect(chunks.map((c) => [c.start, c.count])).toEqual([[3, 1], [4, 4], [8, 4], [12, 2], [25, 3], [28, 4]]);
    const indices: number[] = [];
    for (const c of chunks) indices.push(...(await readIndices(store.readPath(c.key), true)));
    expect(indices).toEqual([...Array.from({ length: 11 }, (_, i) => 3 + i), ...Array.from({ length: 7 }, (_, i) => 25 + i)]);
    // batches never span two ranges: 3+3+3+2, then 3+3+1
    expect(progress).toEqual([3, 6, 9, 11, 14, 17, 18]);
    expect(stats).toMatchObject({ frames: 18 });
    expect(stats.wallMs).toBeGreaterThan(0);
    // the model's share: 7 batches of at least 20 ms each
    expect(stats.inferenceMs).toBeGreaterThanOrEqual(7 * 19);
  });

  it('fills the buffers the model gives back with later frames, every frame still exactly once and in order', async () => {
    const storeDir = join(dir, 'reused');
    const store = new LocalChunkStore(storeDir);
    const chunks: ChunkRecord[] = [];
    const inputs = new Set<ArrayBufferLike>();
    // as the Stylizer does: styled frames of its own, and the inputs handed back once run
    const stylizer = {
      batchSize: 2,
      frameFormat: 'rgb24' as const,
      async run(frames: readonly Buffer[], spent?: (frame: Buffer) => void): Promise<Buffer[]> {
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const f of frames) inputs.add(f.buffer);
        const styled = frames.map((f) => Buffer.from(f.map((v) => 255 - v)));
        for (const f of frames) spent?.(f);
        return styled;
      },
    };
    const run = runAssignment(assignment([[0, 40]], 8, storeDir), stylizer, store, { onChunk: (c) => chunks.push(c), onFrames: () => {} });
    await run.done;
    const indices: number[] = [];
    for (const c of chunks) indices.push(...(await readIndices(store.readPath(c.key), true)));
    expect(indices).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // buffers were filled again (not tighter: frames this small come many to one 64 KB read, all copied at once)
    expect(inputs.size).toBeLessThan(40);
  });

  it('stops on cancel, rejecting with CancelledError and leaving no staged chunk behind', async () => {
    const storeDir = join(dir, 'cancelled');
    const store = new LocalChunkStore(storeDir);
    const chunks: ChunkRecord[] = [];
    let cancelled: Promise<void> | undefined;
    const seen: WorkStats[] = [];
    const run = runAssignment(assignment([[0, 40]], 8, storeDir), invertingStylizer(2, 30), store, {
      onChunk: (c) => chunks.push(c),
      onFrames: (s) => {
        seen.push(s);
        // mid-chunk: 6 frames of the first chunk of 8 are with its encoder
        if (s.frames === 6) cancelled = run.handle.cancel();
      },
    });
    expect(await run.done.catch((e: unknown) => e)).toBeInstanceOf(CancelledError);
    await cancelled;
    expect(seen.at(-1)?.frames).toBe(6);
    expect(chunks).toEqual([]);
    expect(readdirSync(storeDir)).toEqual([]);
  });
});
