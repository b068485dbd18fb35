// The postprocessing step: the committed chunks, in frame order, become one H.264 video with the
// source's timestamps, frame rate and size, and the source's audio (stream copy where the container
// allows it). Optionally also one PNG per frame.
import { mkdirSync, writeFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { keepsLastFrameInMp4, passthroughTiming } from '../../common/ffmpeg/features.js';
import { runTool } from '../../common/ffmpeg/run.js';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import { ptsRuns } from '../../common/ffmpeg/timestamps.js';
import { GatherError, type GatherStep } from './gather-error.js';
import { concatDurations, encoderTimeBase } from './timestamps.js';

/** Audio codecs an MP4/MOV file can carry as they are. */
const mp4AudioCopy = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3']);

/** One committed chunk, in frame order: where ffmpeg reads it and the index of its first frame. */
export interface GatherChunk {
  path: string;
  start: number;
}

/** What the final encode needs. */
export interface GatherPlan {
  chunks: GatherChunk[];
  info: VideoInfo;
  output: string;
  workDir: string;
  /** Told what the encode chose where the source leaves a choice (e.g. the chroma format). */
  onNote?: (note: string) => void;
}

/** Whether the source's audio can be copied into a file with this extension. */
export function audioCopyAllowed(outputPath: string, codec: string): boolean {
  const ext = extname(outputPath).toLowerCase();
  if (ext === '.mkv') return true;
  return mp4AudioCopy.has(codec);
}

/** The output's pixel format and why: 4:2:0 where the size allows, else the source's chroma or 4:4:4. */
export interface ChromaChoice {
  pixFmt: 'yuv420p' | 'yuv422p' | 'yuv444p';
  note?: string;
}

/**
 * yuv420p (what every player takes) when both sides are even; an odd side cannot be held by 4:2:0,
 * so then 4:2:2 where the source is 4:2:2 and the width is even, else 4:4:4 (H.264 High 4:4:4) —
 * the size is kept, never padded.
 */
export function chooseChroma(width: number, height: number, sourcePixFmt = ''): ChromaChoice {
  if (width % 2 === 0 && height % 2 === 0) return { pixFmt: 'yuv420p' };
  const pixFmt = /^yuvj?422p/.test(sourcePixFmt) && width % 2 === 0 ? 'yuv422p' : 'yuv444p';
  const profile = pixFmt === 'yuv422p' ? 'High 4:2:2' : 'High 4:4:4';
  return { pixFmt, note: `output ${pixFmt} (H.264 ${profile}): ${width}x${height} has an odd side, which 4:2:0 cannot hold` };
}

/** The source pts that becomes the output's zero (the container's start time). */
function ptsOrigin(info: VideoInfo): number {
  return Math.round((info.startSeconds * info.timeBase.den) / info.timeBase.num);
}

/**
 * The video filter: the chunks already carry every source timestamp, so it only moves the first
 * frame to where it sits after the container's start.
 */
export function videoFilter(info: VideoInfo): string {
  const offset = info.pts[0] - ptsOrigin(info);
  return `settb=${info.timeBase.num}/${info.timeBase.den},setpts=PTS-STARTPTS+${offset}`;
}

/** An ffconcat list of the chunks; each duration is the gap to the next chunk's first timestamp. */
export function concatList(chunks: readonly GatherChunk[], info: VideoInfo): string {
  const durations = concatDurations(chunks.map((c) => info.pts[c.start]), info.timeBase);
  const lines = ['ffconcat version 1.0'];
  chunks.forEach((c, k) => {
    lines.push(`file '${c.path.replace(/'/g, "'\\''")}'`);
    if (k < durations.length) lines.push(`duration ${(durations[k] / 1e6).toFixed(6)}`);
  });
  return `${lines.join('\n')}\n`;
}

function writeConcatList(workDir: string, chunks: readonly GatherChunk[], info: VideoInfo): string {
  const list = join(workDir, 'chunks.ffconcat');
  writeFileSync(list, concatList(chunks, info));
  return list;
}

/**
 * Runs one gather ffmpeg. A failure is a GatherError with ffmpeg's ProcessError as its cause; when the
 * job is being interrupted, the tool's end is no failure of its own, so its error goes up unwrapped for
 * the job to report the interruption.
 */
async function run(step: GatherStep, target: string, args: string[], signal?: AbortSignal): Promise<void> {
  try {
    await runTool(ffmpegPath(), args, { signal, name: 'ffmpeg (gather)' });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new GatherError(step, target, e);
  }
}

/**
 * The encode's arguments, in the order fluent-ffmpeg once built them (inputs with their options, a
 * global -y, the output options, the output), so the output stays byte for byte what it was.
 */
export function outputArgs(list: string, plan: GatherPlan, chroma: ChromaChoice): string[] {
  const { info } = plan;
  const audio = info.audio ? (audioCopyAllowed(plan.output, info.audio.codec) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '192k']) : [];
  const encTb = encoderTimeBase(info.pts, ptsOrigin(info), info.timeBase);
  const timescale = info.timeBase.num === 1 ? ['-video_track_timescale', String(info.timeBase.den)] : [];
  const mp4 = /\.(mp4|m4v|mov)$/i.test(plan.output) ? ['-movflags', '+faststart'] : [];
  // With variable spacing, B-frames make the MP4 edit list end before the last frames' timestamps (the
  // muxer sizes it from the last dts plus one tick), hiding them; without B-frames pts = dts.
  const irregular = ptsRuns(info.pts).length > 1;
  const bframes = irregular ? ['-bf', '0'] : [];
  // ffmpeg 4.x leaves such an MP4's last frame without a duration, so its edit list hides that frame;
  // where the video starts at the file's start and has no B-frames the edit list is an identity: drop it
  const editList = mp4.length && irregular && info.pts[0] === ptsOrigin(info) && !keepsLastFrameInMp4() ? ['-use_editlist', '0'] : [];
  return [
    '-f', 'concat', '-safe', '0', '-i', list,
    '-i', info.path,
    '-y',
    '-map', '0:v:0', '-map', '1:a?', '-vf', videoFilter(info),
    ...passthroughTiming(), '-enc_time_base', `${encTb.num}/${encTb.den}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', chroma.pixFmt, ...bframes,
    ...timescale, ...audio, ...mp4, ...editList, '-y',
    plan.output,
  ];
}

/** The --keep-frames export's arguments, in fluent-ffmpeg's old order as outputArgs. */
export function framesArgs(list: string, dir: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', list, '-y', ...passthroughTiming(), '-start_number', '0', '-y', join(dir, 'frame-%06d.png')];
}

/** Encodes the chunks into `plan.output` (the caller's temporary name). */
export async function encodeOutput(plan: GatherPlan, signal?: AbortSignal): Promise<void> {
  const list = writeConcatList(plan.workDir, plan.chunks, plan.info);
  const chroma = chooseChroma(plan.info.width, plan.info.height, plan.info.pixFmt);
  if (chroma.note) plan.onNote?.(chroma.note);
  await run('encode', plan.output, outputArgs(list, plan, chroma), signal);
}

/** Writes each styled frame as frame-NNNNNN.png (numbered by frame index, from 0) into `dir`. */
export async function writeFrames(chunks: readonly GatherChunk[], info: VideoInfo, workDir: string, dir: string, signal?: AbortSignal): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const list = writeConcatList(workDir, chunks, info);
  await run('frames', dir, framesArgs(list, dir), signal);
}
