// Encodes styled frames into lossless chunks of at most `chunkFrames` frames and commits each one
// atomically (staged file, fsync'd by ffmpeg's close, hashed, renamed). A chunk is the unit of work a
// rerun keeps.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { rm } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { sha256File } from '../common/checksums.js';
import { ffmpegPath } from '../common/ffmpeg/binaries.js';
import { passthroughTiming } from '../common/ffmpeg/features.js';
import type { Rational } from '../common/ffmpeg/video-info.js';
import { ProcessError } from '../common/errors/process-error.js';
import type { ChunkStore } from '../common/storage/storage.js';
import { ptsRuns, setptsChain } from '../common/ffmpeg/timestamps.js';

/** A chunk that is committed and can be used. */
export interface CommittedChunk {
  start: number;
  count: number;
  key: string;
  sha256: string;
}

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
  onCommit: (c: CommittedChunk) => void;
}

interface OpenChunk {
  start: number;
  count: number;
  staged: string;
  child: ChildProcessByStdio<Writable, null, Readable>;
  done: Promise<void>;
}

/** Writes one contiguous range of styled frames as a sequence of committed chunks. */
export class ChunkWriter {
  private open: OpenChunk | undefined;
  private next: number;
  encodeMs = 0;

  constructor(private readonly o: ChunkWriterOptions) {
    if (o.pts.length !== o.end - o.start) throw new Error(`range ${o.start}..${o.end} came with ${o.pts.length} timestamps`);
    this.next = o.start;
  }

  /** Appends the next frame of the range; commits the chunk when it is full. */
  async write(frame: Buffer): Promise<void> {
    const t = performance.now();
    if (!this.open) this.open = this.startChunk(this.next, Math.min(this.o.chunkFrames, this.o.end - this.next));
    const chunk = this.open;
    if (!chunk.child.stdin.write(frame)) await waitDrainOrExit(chunk);
    this.next++;
    if (this.next === chunk.start + chunk.count) {
      this.open = undefined;
      await this.commit(chunk);
    }
    this.encodeMs += performance.now() - t;
  }

  private startChunk(start: number, count: number): OpenChunk {
    const staged = this.o.store.stagingPath(chunkKey(start, count));
    const started = Date.now();
    const pts = this.o.pts.slice(start - this.o.start, start - this.o.start + count);
    const child = spawn(ffmpegPath(), encodeArgs(this.o.width, this.o.height, pts, this.o.timeBase, staged), { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4096)));
    child.stdin.on('error', () => {}); // EPIPE surfaces through the exit code below
    const done = new Promise<void>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code, signal) => {
        if (code === 0) resolve();
        else reject(new ProcessError({ command: 'ffmpeg (encode)', exitCode: code, signal, stderrTail: stderr, durationMs: Date.now() - started }));
      });
    });
    done.catch(() => {}); // observed in commit(); avoid an unhandled rejection meanwhile
    return { start, count, staged, child, done };
  }

  private async commit(chunk: OpenChunk): Promise<void> {
    chunk.child.stdin.end();
    await chunk.done;
    const sha256 = await sha256File(chunk.staged);
    const key = chunkKey(chunk.start, chunk.count);
    await this.o.store.commit(chunk.staged, key);
    this.o.onCommit({ start: chunk.start, count: chunk.count, key, sha256 });
  }

  /** Kills an unfinished chunk's encoder and removes its staged file (abort path). */
  async discard(): Promise<void> {
    const chunk = this.open;
    this.open = undefined;
    if (!chunk) return;
    chunk.child.kill('SIGKILL');
    await chunk.done.catch(() => {});
    await rm(chunk.staged, { force: true });
  }
}

function waitDrainOrExit(chunk: OpenChunk): Promise<void> {
  return new Promise((resolve) => {
    const ok = () => {
      chunk.child.stdin.off('drain', ok);
      chunk.child.off('close', ok);
      resolve();
    };
    chunk.child.stdin.once('drain', ok);
    chunk.child.once('close', ok);
  });
}
