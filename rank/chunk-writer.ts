// Encodes styled frames into lossless chunks of at most `chunkFrames` frames and commits each one
// atomically (staged file, fsync'd by ffmpeg's close, hashed, renamed). A chunk is the unit of work a
// rerun keeps.
import { rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sha256File } from '../common/checksums.js';
import { ffmpegPath } from '../common/ffmpeg/binaries.js';
import { passthroughTiming } from '../common/ffmpeg/features.js';
import { startTool, type RunningTool } from '../common/ffmpeg/start-tool.js';
import type { Rational } from '../common/ffmpeg/video-info.js';
import { isNoSpace, NoSpaceError, saysNoSpace } from '../common/errors/no-space-error.js';
import { EncodeError } from './encode-error.js';
import { freeBytes, fullForFrame } from '../common/free-space.js';
import type { ChunkRecord, ChunkStore } from '../common/storage/storage.js';
import { ptsRuns, setptsChain } from '../common/ffmpeg/timestamps.js';

/** The file name of the chunk holding frames [start, start+count). */
export function chunkKey(start: number, count: number): string {
  return `chunk-${String(start).padStart(9, '0')}-${count}.nut`;
}

/**
 * FFV1 in NUT: lossless, fast, one self-contained file per chunk, and NUT keeps any time base exactly
 * (Matroska rounds to milliseconds). The raw frames arrive without timestamps; the setpts chain gives
 * frame i the source's pts[i] in the source's time base, so the chunk carries its own timestamps.
 */
export function encodeArgs(width: number, height: number, pts: readonly number[], timeBase: Rational, out: string): string[] {
  const tb = `${timeBase.num}/${timeBase.den}`;
  const filter = [`settb=${tb}`, ...setptsChain(ptsRuns(pts))].join(',');
  return [
    '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', '25',
    '-i', 'pipe:0', '-vf', filter, ...passthroughTiming(), '-enc_time_base', tb,
    '-c:v', 'ffv1', '-level', '3', '-g', '1', '-threads', '1', '-f', 'nut', out,
  ];
}

/** What a ChunkWriter writes: frames [start, end) of the source, whose timestamps are `pts`. */
export interface ChunkWriterOptions {
  store: ChunkStore;
  width: number;
  height: number;
  start: number;
  end: number;
  chunkFrames: number;
  /** Source pts of frames start..end-1, in `timeBase` units. */
  pts: readonly number[];
  timeBase: Rational;
  onCommit: (c: ChunkRecord) => void;
}

interface OpenChunk {
  start: number;
  count: number;
  staged: string;
  /** The encoder; its stderr tail (with -v error, only errors) tells a full disk apart. */
  encoder: RunningTool<'pipe', 'ignore'>;
}

/** An encoder being dropped has no frame worth finishing. */
const encoderStopGraceMs = 500;

/** Writes one contiguous range of styled frames as a sequence of committed chunks. */
export class ChunkWriter {
  private open: OpenChunk | undefined;
  private next: number;

  constructor(private readonly o: ChunkWriterOptions) {
    if (o.pts.length !== o.end - o.start) throw new Error(`range ${o.start}..${o.end} came with ${o.pts.length} timestamps`);
    this.next = o.start;
  }

  /** Appends the next frame of the range; commits the chunk when it is full. */
  async write(frame: Buffer): Promise<void> {
    if (!this.open) this.open = this.startChunk(this.next, Math.min(this.o.chunkFrames, this.o.end - this.next));
    const chunk = this.open;
    if (!chunk.encoder.stdin.write(frame)) await waitDrainOrExit(chunk);
    // an encoder gone before its last frame (a full disk makes ffmpeg stop, at times with exit code 0)
    if (chunk.encoder.exited) {
      const early = () => new EncodeError(chunkKey(chunk.start, chunk.count), `ffmpeg (encode) ended before the last frame of ${chunkKey(chunk.start, chunk.count)}`);
      await this.fail(chunk, await chunk.encoder.done.then(early, (e: unknown) => e));
    }
    this.next++;
    if (this.next === chunk.start + chunk.count) {
      this.open = undefined;
      await this.commit(chunk);
    }
  }

  private startChunk(start: number, count: number): OpenChunk {
    const staged = this.o.store.stagingPath(chunkKey(start, count));
    const pts = this.o.pts.slice(start - this.o.start, start - this.o.start + count);
    const args = encodeArgs(this.o.width, this.o.height, pts, this.o.timeBase, staged);
    // an EPIPE on stdin (the encoder gone) surfaces through its exit, in `done`
    const encoder = startTool(ffmpegPath(), args, { stdin: 'pipe', stdout: 'ignore', name: 'ffmpeg (encode)' });
    return { start, count, staged, encoder };
  }

  private async commit(chunk: OpenChunk): Promise<void> {
    chunk.encoder.stdin.end();
    const key = chunkKey(chunk.start, chunk.count);
    let sha256: string;
    try {
      await chunk.encoder.done;
      // ffmpeg may exit 0 on a full disk, having only said so on stderr, or having written nothing
      if (saysNoSpace(chunk.encoder.stderrTail()) || (await stat(chunk.staged)).size === 0) throw new EncodeError(key, `ffmpeg (encode) left ${key} incomplete`);
      sha256 = await sha256File(chunk.staged);
      await this.o.store.commit(chunk.staged, key);
    } catch (e) {
      return this.fail(chunk, e);
    }
    this.o.onCommit({ start: chunk.start, count: chunk.count, key, sha256 });
  }

  /** Drops a chunk that cannot be committed and throws why: a full disk as NoSpaceError, else `e`. */
  private async fail(chunk: OpenChunk, e: unknown): Promise<never> {
    this.open = undefined;
    await chunk.encoder.stop(encoderStopGraceMs);
    const dir = dirname(chunk.staged);
    // less room left than one raw frame (measured before the staged file is freed): the disk filled,
    // whatever ffmpeg said
    const full = fullForFrame(freeBytes(dir), this.o.width, this.o.height);
    await rm(chunk.staged, { force: true }).catch(() => {});
    if (isNoSpace(e) || saysNoSpace(chunk.encoder.stderrTail()) || full) throw new NoSpaceError(dir, undefined, { cause: e });
    throw e;
  }

  /** Kills an unfinished chunk's encoder and removes its staged file (abort path). */
  async discard(): Promise<void> {
    const chunk = this.open;
    this.open = undefined;
    if (!chunk) return;
    await chunk.encoder.stop(encoderStopGraceMs);
    await rm(chunk.staged, { force: true });
  }
}

function waitDrainOrExit(chunk: OpenChunk): Promise<void> {
  // a pipe whose reader has exited never drains, and 'close' has already fired
  const { encoder } = chunk;
  if (encoder.exited) return Promise.resolve();
  return new Promise((resolve) => {
    const ok = () => {
      encoder.stdin.off('drain', ok);
      encoder.child.off('close', ok);
      resolve();
    };
    encoder.stdin.once('drain', ok);
    encoder.child.once('close', ok);
  });
}
