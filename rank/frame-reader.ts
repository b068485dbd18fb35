// Decodes exactly one frame range of the input into raw frames (rgb24, or yuv420p where the model takes it),
// a few frames ahead of the consumer (decode runs while the previous batch is in inference).
import { ffmpegPath } from '../common/ffmpeg/binaries.js';
import { passthroughTiming } from '../common/ffmpeg/features.js';
import { startTool, type RunningTool } from '../common/ffmpeg/start-tool.js';
import { DecodeError } from './decode-error.js';
import { frameBytes, type FrameFormat } from '../models/onnx/frame-format.js';
import type { FramePool } from './frame-pool.js';

/** One range to decode, as the coordinator assigned it. */
export interface DecodeRange {
  input: string;
  start: number;
  count: number;
  /** Input seek (seconds from the file's start) at or before the first frame; 0 = no seek. */
  seekSeconds: number;
  /** Absolute time between the previous frame and the first one; frames before it are dropped. <0 = none. */
  trimSeconds: number;
  width: number;
  height: number;
  /** The raw frames the model takes. */
  format: FrameFormat;
}

/**
 * ffmpeg arguments that decode frames [start, start+count) exactly: a fast keyframe seek to a point
 * safely before the first frame, timestamps kept as they are in the file (-copyts), a trim at the
 * midpoint between the previous frame and the first one, and no frame duplication or dropping.
 */
export function decodeArgs(r: DecodeRange): string[] {
  const seek = r.seekSeconds > 0 ? ['-ss', r.seekSeconds.toFixed(6), '-noaccurate_seek'] : [];
  const trim = r.trimSeconds >= 0 ? ['-vf', `trim=start=${r.trimSeconds.toFixed(6)}`] : [];
  return [
    '-nostdin', '-v', 'error', ...seek, '-copyts', '-i', r.input,
    '-map', '0:v:0', '-an', '-sn', '-dn', ...trim,
    '-frames:v', String(r.count), ...passthroughTiming(),
    '-f', 'rawvideo', '-pix_fmt', r.format, 'pipe:1',
  ];
}

/** A decoder has nothing left to write once stopped, so it gets little grace. */
const decoderStopGraceMs = 500;

/** Reads frames of one range; `next()` resolves with a frame, or undefined after the last. */
export class FrameReader {
  private readonly tool: RunningTool<'ignore', 'pipe'>;
  private readonly frameBytes: number;
  private readonly queue: Buffer[] = [];
  /** The frame being filled, and how many of its bytes have arrived. */
  private current: Buffer | undefined;
  private filled = 0;
  private delivered = 0;
  private ended = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;

  /** `pool`: where each frame's buffer is taken from (the rank gives them back once the model has run). */
  constructor(private readonly range: DecodeRange, private readonly prefetchFrames = 4, private readonly pool?: FramePool) {
    this.frameBytes = frameBytes(range.format, range.width, range.height);
    if (pool && pool.frameBytes !== this.frameBytes) throw new Error(`a pool of ${pool.frameBytes}-byte frames for frames of ${this.frameBytes} bytes`);
    this.tool = startTool(ffmpegPath(), decodeArgs(range), { stdin: 'ignore', stdout: 'pipe', name: 'ffmpeg (decode)' });
    this.tool.stdout.on('data', (b: Buffer) => this.onData(b));
    // a decoder that fails after its last frame (or is stopped then) has still done its work
    this.tool.done.then(
      () => this.finish(),
      (e: Error) => this.finish(this.delivered + this.queue.length >= range.count ? undefined : e),
    );
  }

  // Each frame is copied once, into a buffer of its own (not a view of a larger one), so that it can be handed
  // whole to another thread (rank/inference-thread.ts) without taking bytes of the next frame along.
  private onData(b: Buffer): void {
    for (let at = 0; at < b.length; ) {
      this.current ??= this.pool ? this.pool.take() : Buffer.allocUnsafeSlow(this.frameBytes);
      const copied = b.copy(this.current, this.filled, at, Math.min(b.length, at + this.frameBytes - this.filled));
      this.filled += copied;
      at += copied;
      if (this.filled === this.frameBytes) {
        this.queue.push(this.current);
        this.current = undefined;
        this.filled = 0;
      }
    }
    if (this.queue.length >= this.prefetchFrames) this.tool.stdout.pause();
    this.wake();
  }

  private finish(error?: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.failure = error;
    this.wake();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  /** The next frame in order, or undefined once the range is complete. Throws if decoding failed or came up short. */
  async next(): Promise<Buffer | undefined> {
    for (;;) {
      if (this.delivered >= this.range.count) return undefined;
      const frame = this.queue.shift();
      if (frame) {
        this.delivered++;
        if (this.queue.length < this.prefetchFrames) this.tool.stdout.resume();
        return frame;
      }
      if (this.ended) {
        if (this.failure) throw this.failure;
        throw new DecodeError(this.range.start, this.range.count, this.delivered);
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  /** Stops the decoder (after the last frame, or on abort): SIGTERM, SIGKILL after a short grace. */
  close(): void {
    void this.tool.stop(decoderStopGraceMs);
  }
}
