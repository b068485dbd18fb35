// Does one assignment: for each frame range, decode -> style in batches -> encode into committed chunks.
import type { ChunkRecord, ChunkStore } from '../common/storage/storage.js';
import type { Assignment__Output } from '../proto/generated/stylerun/v1/Assignment.js';
import { ChunkWriter } from './chunk-writer.js';
import { FrameReader } from './frame-reader.js';
import type { Stylizer } from './stylizer.js';

/** Time split of a rank's work. */
export interface WorkStats {
  frames: number;
  decodeMs: number;
  inferenceMs: number;
  encodeMs: number;
}

/** Callbacks the worker reports through. */
export interface WorkEvents {
  onChunk(c: ChunkRecord): void;
  /** After every batch; may fire an injected fault. */
  onFrames(stats: WorkStats): void;
}

/** Cancels an assignment in flight: kills its ffmpeg processes and drops the unfinished chunk. */
export interface Cancellable {
  cancel(): Promise<void>;
}

/** Runs the assignment; resolves when every frame is styled and committed. */
export function runAssignment(
  a: Assignment__Output,
  stylizer: Stylizer,
  store: ChunkStore,
  events: WorkEvents,
): { done: Promise<WorkStats>; handle: Cancellable } {
  const stats: WorkStats = { frames: 0, decodeMs: 0, inferenceMs: 0, encodeMs: 0 };
  let reader: FrameReader | undefined;
  let writer: ChunkWriter | undefined;
  let cancelled = false;
  const handle: Cancellable = {
    async cancel() {
      cancelled = true;
      reader?.close();
      await writer?.discard();
    },
  };
  const done = (async () => {
    for (const range of a.ranges) {
      const start = Number(range.start);
      const count = Number(range.count);
      reader = new FrameReader({
        input: a.input, start, count, seekSeconds: range.seek_seconds, trimSeconds: range.trim_seconds,
        width: a.width, height: a.height,
      }, Math.max(4, stylizer.batchSize * 2));
      writer = new ChunkWriter({
        store, width: a.width, height: a.height, start, end: start + count, chunkFrames: a.chunk_frames,
        pts: range.pts.map(Number), timeBase: { num: a.time_base_num, den: a.time_base_den }, onCommit: (c) => events.onChunk(c),
      });
      let left = count;
      while (left > 0 && !cancelled) {
        const batch: Buffer[] = [];
        const t0 = performance.now();
        while (batch.length < Math.min(stylizer.batchSize, left)) {
          const frame = await reader.next();
          if (!frame) break;
          batch.push(frame);
        }
        const t1 = performance.now();
        const styled = await stylizer.run(batch);
        const t2 = performance.now();
        for (const f of styled) await writer.write(f);
        stats.decodeMs += t1 - t0;
        stats.inferenceMs += t2 - t1;
        left -= batch.length;
        stats.frames += batch.length;
        events.onFrames(stats);
      }
      stats.encodeMs += writer.encodeMs;
      reader.close();
      if (cancelled) break;
    }
    return stats;
  })();
  return { done, handle };
}
