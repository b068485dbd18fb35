// Encodes styled frames into chunks of at most `chunkFrames` frames, as the assignment's encoding says
// (the output's H.264, or lossless FFV1), and commits each one atomically (staged file, fsync'd by
// ffmpeg's close, hashed, renamed). A chunk is the unit of work a rerun keeps.
import { rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { sha256File } from '../common/checksums.js';
import { ffmpegPath } from '../common/ffmpeg/binaries.js';
import { colourTagArgs, rgbToYuvFilters, type OutputColour } from '../common/ffmpeg/colour.js';
import { passthroughTiming } from '../common/ffmpeg/features.js';
import { startTool, type RunningTool } from '../common/ffmpeg/start-tool.js';
import { sampleAspectFilters, type Rational } from '../common/ffmpeg/video-info.js';
import { isNoSpace, NoSpaceError, saysNoSpace } from '../common/errors/no-space-error.js';
import { EncodeError } from './encode-error.js';
import { freeBytes, fullForFrame } from '../common/free-space.js';
import { chunkKey } from '../common/storage/chunk-key.js';
import type { ChunkRecord, ChunkSink } from '../common/storage/storage.js';
import { ptsRuns, setptsChain } from '../common/ffmpeg/timestamps.js';
import type { ChunkEncoding__Output } from '../proto/generated/stylerun/v1/ChunkEncoding.js';
import type { FrameFormat } from '../models/onnx/frame-format.js';

/** What a chunk's encoder is told: the codec's settings, and for H.264 the source's colour and pixel shape. */
type ChunkEncodingOf = Parameters<typeof codecArgs>[0] & { sample_aspect_ratio?: string };

/** Threads of each chunk's x264 (frame threads; 720x720 veryfast runs at several hundred frames/s). */
export const x264Threads = 4;

/** The encoder options of one chunk: the output's H.264 (a new encoder per chunk: a closed GOP from an IDR frame) or FFV1. */
export function codecArgs(encoding: Pick<ChunkEncoding__Output, 'codec' | 'crf' | 'preset' | 'pix_fmt' | 'max_b_frames'> & OutputColour): string[] {
  if (encoding.codec === 'ffv1') return ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-threads', '1'];
  if (encoding.codec !== 'h264') throw new Error(`unknown chunk codec "${encoding.codec}"`);
  return [
    '-c:v', 'libx264', '-preset', encoding.preset, '-crf', String(encoding.crf), '-pix_fmt', encoding.pix_fmt,
    '-bf', String(encoding.max_b_frames), '-x264-params', 'open-gop=0',
    // x264's output depends on its thread count: a fixed one makes a chunk the same bytes on any machine,
    // so a rerun or a resume gives exactly a fault-free run's output
    '-threads', String(x264Threads),
    ...colourTagArgs(encoding),
  ];
}

/**
 * One chunk, in a container that keeps any time base exactly (Matroska rounds to milliseconds): FFV1 in
 * NUT; H.264 in MP4, which stores each frame's decode timestamp (NUT does not, and ffmpeg 4.x then
 * guesses wrong ones for a short chunk's B-frames, and the output loses its last frame). The raw frames
 * arrive without timestamps; the setpts chain gives frame i the source's pts[i] - pts[0] in the source's
 * time base: the chunk's timestamps count from its first frame and the gather's concat list puts that
 * frame at pts[0].
 */
export function encodeArgs(
  width: number, height: number, pts: readonly number[], timeBase: Rational, encoding: ChunkEncodingOf, out: string,
  frameFormat: FrameFormat,
): string[] {
  const tb = `${timeBase.num}/${timeBase.den}`;
  const relative = pts.map((p) => p - pts[0]);
  // RGB frames become the output's Y'CbCr with the source's matrix (yuv420p ones already are, converted in the graph)
  const convert = frameFormat === 'rgb24' && encoding.codec === 'h264' ? rgbToYuvFilters(encoding, encoding.pix_fmt) : [];
  // the source's pixel shape, which raw frames do not carry (the copying gather keeps what the chunk says)
  const shape = encoding.codec === 'h264' ? sampleAspectFilters(encoding.sample_aspect_ratio) : [];
  const filter = [`settb=${tb}`, ...setptsChain(ptsRuns(relative)), ...convert, ...shape].join(',');
  return [
    '-nostdin', '-v', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', frameFormat, '-s', `${width}x${height}`, '-r', '25',
    '-i', 'pipe:0', '-vf', filter, ...passthroughTiming(), '-enc_time_base', tb,
    ...codecArgs(encoding), ...containerArgs(encoding.codec, timeBase), out,
  ];
}

function containerArgs(codec: string, timeBase: Rational): string[] {
  if (codec !== 'h264') return ['-f', 'nut'];
  // MP4's track time scale is the time base's denominator: exact for a time base of 1/den. No edit list:
  // ffmpeg 4.x's would hide a chunk's last frame from a reader of the chunk alone (the concat demuxer
  // places the chunk by its start time either way)
  return ['-f', 'mp4', '-use_editlist', '0', ...(timeBase.num === 1 ? ['-video_track_timescale', String(timeBase.den)] : [])];
}

/** What a ChunkWriter writes: frames [start, end) of the source, whose timestamps are `pts`. */
export interface ChunkWriterOptions {
  store: ChunkSink;
  width: number;
  height: number;
  /** The raw frames written: as the model gives them (yuv420p needs no conversion for a 4:2:0 chunk). */
  frameFormat: FrameFormat;
  start: number;
  end: number;
  chunkFrames: number;
  /** Source pts of frames start..end-1, in `timeBase` units. */
  pts: readonly number[];
  timeBase: Rational;
  encoding: ChunkEncodingOf;
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
    // chunks end on the job's chunk grid (multiples of chunkFrames), so each holds the same frames on any rank
    if (!this.open) this.open = this.startChunk(this.next, Math.min(this.o.chunkFrames - (this.next % this.o.chunkFrames), this.o.end - this.next));
    const chunk = this.open;
    if (!chunk.encoder.stdin.write(frame)) await waitDrainOrExit(chunk);
    // an encoder gone before its last frame (a full disk makes ffmpeg stop, at times with exit code 0)
    if (chunk.encoder.exited) {
      const early = () => new EncodeError(this.key(chunk), `ffmpeg (encode) ended before the last frame of ${this.key(chunk)}`);
      await this.fail(chunk, await chunk.encoder.done.then(early, (e: unknown) => e));
    }
    this.next++;
    if (this.next === chunk.start + chunk.count) {
      this.open = undefined;
      await this.commit(chunk);
    }
  }

  private key(chunk: { start: number; count: number }): string {
    return chunkKey(chunk.start, chunk.count, this.o.encoding.codec);
  }

  private startChunk(start: number, count: number): OpenChunk {
    const staged = this.o.store.stagingPath(chunkKey(start, count, this.o.encoding.codec));
    const pts = this.o.pts.slice(start - this.o.start, start - this.o.start + count);
    const args = encodeArgs(this.o.width, this.o.height, pts, this.o.timeBase, this.o.encoding, staged, this.o.frameFormat);
    // an EPIPE on stdin (the encoder gone) surfaces through its exit, in `done`
    const encoder = startTool(ffmpegPath(), args, { stdin: 'pipe', stdout: 'ignore', name: 'ffmpeg (encode)' });
    return { start, count, staged, encoder };
  }

  private async commit(chunk: OpenChunk): Promise<void> {
    chunk.encoder.stdin.end();
    const key = this.key(chunk);
    let sha256: string;
    try {
      await chunk.encoder.done;
      // ffmpeg may exit 0 on a full disk, having only said so on stderr, or having written nothing
      if (saysNoSpace(chunk.encoder.stderrTail()) || (await stat(chunk.staged)).size === 0) throw new EncodeError(key, `ffmpeg (encode) left ${key} incomplete`);
      sha256 = await sha256File(chunk.staged);
      await this.o.store.commit(chunk.staged, key, sha256);
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
