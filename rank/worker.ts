// Does one assignment: for each frame range, decode -> style in batches -> encode into committed chunks,
// the three stages at once (rank/pipeline.ts), so the model never waits for ffmpeg while frames are there.
import type { ChunkRecord, ChunkSink } from '../common/storage/storage.js';
import type { Assignment__Output } from '../proto/generated/stylerun/v1/Assignment.js';
import { ChunkWriter } from './chunk-writer.js';
import { FrameReader } from './frame-reader.js';
import { FramePool } from './frame-pool.js';
import { frameBytes } from '../models/onnx/frame-format.js';
import { runPipeline, type StageTimes } from './pipeline.js';
import type { StyleModel } from './stylizer.js';

/** Frames done so far, each stage's busy time and the rank's wall time (see StageTimes: the stages overlap). */
export interface WorkStats extends StageTimes {
  /** Frames styled and written to the encoder. */
  frames: number;
}

/** Callbacks the worker reports through. */
export interface WorkEvents {
  onChunk(c: ChunkRecord): void;
  /** After every batch is written to the encoder; may fire an injected fault. */
  onFrames(stats: WorkStats): void;
}

/** Cancels an assignment in flight: kills its ffmpeg processes and drops the unfinished chunk. */
export interface Cancellable {
  cancel(): Promise<void>;
}

/**
 * Batches in each queue between stages. One is enough for the overlap (the next batch waits while this
 * one is styled) and keeps memory bounded: besides the batch each stage holds, at most two batches wait
 * between stages, and the decoder reads at most `max(4, batchSize)` frames ahead.
 */
const queueBatches = 1;

/** Frames of one assigned range, in order; a batch never spans two ranges, which have their own chunks. */
interface Batch {
  range: number;
  frames: Buffer[];
}

/** Runs the assignment; `done` resolves when every frame is styled and committed, rejects with the first failure. */
export function runAssignment(
  a: Assignment__Output,
  stylizer: Pick<StyleModel, 'batchSize' | 'run' | 'frameFormat'>,
  store: ChunkSink,
  events: WorkEvents,
): { done: Promise<WorkStats>; handle: Cancellable } {
  const ranges = a.ranges.map((r) => ({
    start: Number(r.start), count: Number(r.count), seekSeconds: r.seek_seconds, trimSeconds: r.trim_seconds, pts: r.pts.map(Number),
  }));
  const { width, height } = a;
  const encoding = a.encoding;
  // the launcher always sends one: a rank of another version than its launcher is not worth guessing for
  if (!encoding) throw new Error('the assignment names no chunk encoding (launcher and rank of different stylerun versions?)');
  const writerFor = (range: number) => {
    const r = ranges[range]!;
    return new ChunkWriter({
      store, width, height, frameFormat: stylizer.frameFormat, start: r.start, end: r.start + r.count, chunkFrames: a.chunk_frames,
      pts: r.pts, timeBase: { num: a.time_base_num, den: a.time_base_den }, encoding, onCommit: (c) => events.onChunk(c),
    });
  };
  // each frame's buffer, once the model is done with it, holds a later frame (rank/frame-pool.ts); the pool keeps
  // no more than the pipeline has in flight at once: the decoder's read-ahead, a batch in each queue and in inference
  const prefetch = Math.max(4, stylizer.batchSize);
  const pool = new FramePool(frameBytes(stylizer.frameFormat, width, height), prefetch + (2 * queueBatches + 1) * stylizer.batchSize);
  let reader: FrameReader | undefined;
  let writing: { range: number; writer: ChunkWriter } | undefined;
  let frames = 0;

  const pipeline = runPipeline<Batch, Batch>({
    async decode(push, signal) {
      for (const [range, r] of ranges.entries()) {
        if (signal.aborted) return;
        const decodeRange = { input: a.input, start: r.start, count: r.count, seekSeconds: r.seekSeconds, trimSeconds: r.trimSeconds, width, height, format: stylizer.frameFormat };
        reader = new FrameReader(decodeRange, prefetch, pool);
        try {
          for (let left = r.count; left > 0; ) {
            const batch: Buffer[] = [];
            while (batch.length < Math.min(stylizer.batchSize, left)) {
              // undefined only after the range's last frame; a short decode throws instead
              const frame = await reader.next();
              if (!frame) break;
              batch.push(frame);
            }
            if (batch.length === 0) break;
            left -= batch.length;
            await push({ range, frames: batch });
          }
        } finally {
          reader.close();
        }
      }
    },
    infer: async (b) => ({ range: b.range, frames: await stylizer.run(b.frames, (f) => pool.give(f)) }),
    async encode(b, signal) {
      // a range's writer commits its last chunk with its last frame, so the one before is finished
      if (writing?.range !== b.range) writing = { range: b.range, writer: writerFor(b.range) };
      for (const frame of b.frames) {
        // once the pipeline has failed, no frame may open a new chunk
        signal.throwIfAborted();
        await writing.writer.write(frame);
      }
    },
    async stop() {
      reader?.close();
      await writing?.writer.discard();
    },
  }, {
    queueBatches,
    onEncoded: (b, times) => {
      frames += b.frames.length;
      events.onFrames({ frames, ...times });
    },
  });
  const done = pipeline.done.then((times) => ({ frames, ...times }));
  return { done, handle: { cancel: () => pipeline.cancel() } };
}
