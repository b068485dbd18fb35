// The postprocessing step: the committed chunks, in frame order, become one H.264 video with the
// source's timestamps, frame rate and size, and the source's audio (stream copy where the container
// allows it). Optionally also one PNG per frame.
import ffmpeg from 'fluent-ffmpeg';
import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import { averageRateRuns, encoderTimeBase, maxRuns, ptsRuns, setptsExpression } from './timestamps.js';

/** Audio codecs an MP4/MOV file can carry as they are. */
const mp4AudioCopy = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3']);

/** What the final encode needs. */
export interface GatherPlan {
  chunkPaths: string[];
  info: VideoInfo;
  output: string;
  workDir: string;
  /** Set when the source's timestamps were too irregular to carry exactly. */
  onNote?: (note: string) => void;
}

/** Whether the source's audio can be copied into a file with this extension. */
export function audioCopyAllowed(outputPath: string, codec: string): boolean {
  const ext = extname(outputPath).toLowerCase();
  if (ext === '.mkv') return true;
  return mp4AudioCopy.has(codec);
}

/** The video filter: source time base, source timestamps, even dimensions for yuv420p. */
export function videoFilter(info: VideoInfo, onNote?: (n: string) => void, sourceRuns = ptsRuns(info.pts)): string {
  let runs = sourceRuns;
  if (runs.length > maxRuns) {
    onNote?.(`timestamps change spacing ${runs.length} times; output uses the average rate instead`);
    runs = averageRateRuns(info.pts, info.timeBase, info.avgFrameRate);
  }
  const origin = ptsOrigin(info);
  const parts = [`settb=${info.timeBase.num}/${info.timeBase.den}`, `setpts=${setptsExpression(runs, origin)}`];
  if (info.width % 2 || info.height % 2) {
    onNote?.(`${info.width}x${info.height} is odd: padded by one pixel for yuv420p`);
    parts.push(`pad=${info.width + (info.width % 2)}:${info.height + (info.height % 2)}`);
  }
  return parts.join(',');
}

/** The source pts that becomes the output's zero (the container's start time). */
function ptsOrigin(info: VideoInfo): number {
  return Math.round((info.startSeconds * info.timeBase.den) / info.timeBase.num);
}

function concatList(workDir: string, chunkPaths: readonly string[]): string {
  const list = join(workDir, 'chunks.ffconcat');
  const lines = ['ffconcat version 1.0', ...chunkPaths.map((p) => `file '${p.replace(/'/g, "'\\''")}'`)];
  writeFileSync(list, `${lines.join('\n')}\n`);
  return list;
}

function run(command: ffmpeg.FfmpegCommand, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const abort = () => command.kill('SIGKILL');
    signal?.addEventListener('abort', abort, { once: true });
    command
      .on('error', (err: Error, _out: string | null, stderr: string | null) => {
        signal?.removeEventListener('abort', abort);
        const tail = (stderr ?? '').trim().split('\n').slice(-1)[0];
        reject(new Error(`ffmpeg (gather) failed: ${tail || err.message}`));
      })
      .on('end', () => {
        signal?.removeEventListener('abort', abort);
        resolve();
      })
      .run();
  });
}

/** Encodes the chunks into `plan.output` (the caller's temporary name). */
export async function encodeOutput(plan: GatherPlan, signal?: AbortSignal): Promise<void> {
  ffmpeg.setFfmpegPath(ffmpegPath());
  const { info } = plan;
  const list = concatList(plan.workDir, plan.chunkPaths);
  const filterFile = join(plan.workDir, 'video-filter.txt');
  const runs = ptsRuns(info.pts);
  writeFileSync(filterFile, videoFilter(info, plan.onNote, runs));
  const audio = info.audio ? (audioCopyAllowed(plan.output, info.audio.codec) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']) : [];
  const encTb = encoderTimeBase(info.pts, ptsOrigin(info), info.timeBase);
  const timescale = info.timeBase.num === 1 ? ['-video_track_timescale', String(info.timeBase.den)] : [];
  const mp4 = /\.(mp4|m4v|mov)$/i.test(plan.output) ? ['-movflags', '+faststart'] : [];
  // With variable spacing, B-frames make the MP4 edit list end before the last frames' timestamps (the
  // muxer sizes it from the last dts plus one tick), hiding them; without B-frames pts = dts.
  const bframes = runs.length > 1 ? ['-bf', '0'] : [];
  const command = ffmpeg()
    .input(list)
    .inputOptions(['-f', 'concat', '-safe', '0'])
    .input(info.path)
    .outputOptions([
      '-map', '0:v:0', '-map', '1:a?', '-filter_script:v', filterFile,
      '-vsync', 'passthrough', '-enc_time_base', `${encTb.num}/${encTb.den}`,
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', ...bframes,
      ...timescale, ...audio, ...mp4, '-y',
    ])
    .output(plan.output);
  await run(command, signal);
}

/** Writes each styled frame as frame-NNNNNN.png (numbered by frame index, from 0) into `dir`. */
export async function writeFrames(chunkPaths: readonly string[], workDir: string, dir: string, signal?: AbortSignal): Promise<void> {
  ffmpeg.setFfmpegPath(ffmpegPath());
  mkdirSync(dir, { recursive: true });
  const list = concatList(workDir, chunkPaths);
  const command = ffmpeg()
    .input(list)
    .inputOptions(['-f', 'concat', '-safe', '0'])
    .outputOptions(['-vsync', 'passthrough', '-start_number', '0', '-y'])
    .output(join(dir, 'frame-%06d.png'));
  await run(command, signal);
}
