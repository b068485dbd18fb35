// The postprocessing step: the committed chunks, in frame order, become one H.264 video with the
// source's timestamps, frame rate and size, and the source's audio, subtitles and metadata
// (./carried-streams.ts). H.264 chunks are copied as they are; FFV1 chunks are encoded once. Optionally also one PNG
// per frame.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { keepsLastFrameInMp4, passthroughTiming } from '../../common/ffmpeg/features.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { audioTracks, sampleAspectFilters, sampleAspectText, type VideoInfo } from '../../common/ffmpeg/video-info.js';
import { carriedStreams } from './carried-streams.js';
import type { ChunkEncoding } from '../../proto/generated/stylerun/v1/ChunkEncoding.js';
import { GatherError, type GatherStep } from './gather-error.js';
import { chooseChroma, irregularSpacing, maxBFrames, outputColour, outputCrf, outputPreset, type ChromaChoice } from './output-encoding.js';
import { colourTagArgs, rgbToYuvFilters } from '../../common/ffmpeg/colour.js';
import { concatDurations, encoderTimeBase } from './timestamps.js';

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
  /** How the ranks encoded the chunks: H.264 chunks are copied, FFV1 ones encoded. */
  encoding: ChunkEncoding;
  /** Told what the encode chose where the source leaves a choice (e.g. the chroma format). */
  onNote?: (note: string) => void;
}

/** The source pts that becomes the output's zero (the container's start time). */
function ptsOrigin(info: VideoInfo): number {
  return Math.round((info.startSeconds * info.timeBase.den) / info.timeBase.num);
}

/** Where the first frame sits after the container's start, in time base units. */
function firstFrameOffset(info: VideoInfo): number {
  return info.pts[0] - ptsOrigin(info);
}

/**
 * The video filter of an encoding gather: the concatenated chunks already carry every source timestamp
 * counted from the first frame, so it only moves that frame to where it sits after the container's start.
 */
export function videoFilter(info: VideoInfo): string {
  return `settb=${info.timeBase.num}/${info.timeBase.den},setpts=PTS-STARTPTS+${firstFrameOffset(info)}`;
}

/**
 * An ffconcat list of the chunks. Each chunk's timestamps count from its own first frame, and each
 * duration is the gap to the next chunk's first source timestamp, so the concat demuxer puts every frame
 * at its source time (counted from the first frame). A chunk's start time is 0 whether or not the demuxer
 * can tell it (a few-frame H.264 chunk leaves it unknown, which counts as 0).
 */
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
  const encTb = encoderTimeBase(info.pts, ptsOrigin(info), info.timeBase);
  const bframes = maxBFrames(info) === 0 ? ['-bf', '0'] : [];
  // the styled RGB becomes Y'CbCr with the source's matrix, and the output says so
  const colour = outputColour(info);
  return [
    '-f', 'concat', '-safe', '0', '-i', list,
    '-i', info.path,
    '-y',
    '-map', '0:v:0', '-vf', [videoFilter(info), ...rgbToYuvFilters(colour, chroma.pixFmt), ...sampleAspectFilters(sampleAspectText(info.sampleAspect))].join(','),
    ...passthroughTiming(), '-enc_time_base', `${encTb.num}/${encTb.den}`,
    '-c:v', 'libx264', '-preset', outputPreset, '-crf', String(outputCrf), '-pix_fmt', chroma.pixFmt, ...bframes, ...colourTagArgs(colour),
    ...muxArgs(plan), '-y',
    plan.output,
  ];
}

/** What the output's muxer is told, whether the video is encoded or copied: track time scale, audio, MP4 flags. */
function muxArgs(plan: GatherPlan): string[] {
  const { info } = plan;
  const carried = carriedStreams(plan.output, audioTracks(info), info.subtitleTracks ?? []).args;
  const timescale = info.timeBase.num === 1 ? ['-video_track_timescale', String(info.timeBase.den)] : [];
  const mp4 = /\.(mp4|m4v|mov)$/i.test(plan.output) ? ['-movflags', '+faststart'] : [];
  // ffmpeg 4.x leaves an irregularly spaced MP4's last frame without a duration, so its edit list hides
  // that frame; where the video starts at the file's start and has no B-frames the edit list is an
  // identity: drop it
  const editList = mp4.length && irregularSpacing(info) && info.pts[0] === ptsOrigin(info) && !keepsLastFrameInMp4() ? ['-use_editlist', '0'] : [];
  return [...carried, ...timescale, ...mp4, ...editList];
}

/**
 * A copying gather's arguments: the H.264 chunks go into the output as they are, shifted (as the
 * encoding gather's filter does) to where the first frame sits after the container's start.
 */
export function copyArgs(list: string, plan: GatherPlan): string[] {
  const { info } = plan;
  const offset = firstFrameOffset(info);
  const shift = offset === 0 ? [] : ['-itsoffset', ((offset * info.timeBase.num) / info.timeBase.den).toFixed(6)];
  return [
    ...shift, '-f', 'concat', '-safe', '0', '-i', list,
    '-i', info.path,
    '-y',
    '-map', '0:v:0', '-c:v', 'copy',
    ...muxArgs(plan), '-y',
    plan.output,
  ];
}

/** The --keep-frames export's arguments, in fluent-ffmpeg's old order as outputArgs. */
export function framesArgs(list: string, dir: string): string[] {
  return ['-f', 'concat', '-safe', '0', '-i', list, '-y', ...passthroughTiming(), '-start_number', '0', '-y', join(dir, 'frame-%06d.png')];
}

/** Makes the chunks into `plan.output` (the caller's temporary name): copies H.264 chunks, encodes FFV1 ones. */
export async function encodeOutput(plan: GatherPlan, signal?: AbortSignal): Promise<void> {
  const list = writeConcatList(plan.workDir, plan.chunks, plan.info);
  const chroma = chooseChroma(plan.info.width, plan.info.height, plan.info.pixFmt);
  if (chroma.note) plan.onNote?.(chroma.note);
  const args = plan.encoding.codec === 'h264' ? copyArgs(list, plan) : outputArgs(list, plan, chroma);
  await run('encode', plan.output, args, signal);
}

/** Writes each styled frame as frame-NNNNNN.png (numbered by frame index, from 0) into `dir`. */
export async function writeFrames(chunks: readonly GatherChunk[], info: VideoInfo, workDir: string, dir: string, signal?: AbortSignal): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const list = writeConcatList(workDir, chunks, info);
  await run('frames', dir, framesArgs(list, dir), signal);
}
