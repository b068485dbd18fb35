// What the launcher must know about an input video before scattering it: size, timing, every frame's
// timestamp (frames are counted from the stream itself, never from duration x fps), and its audio.
import { accessSync, constants, statSync } from 'node:fs';
import { InputError } from '../errors/input-error.js';
import { ffprobePath, hasFfprobe } from './binaries.js';
import { colourOfStream } from './colour.js';
import { probeWithFfmpeg } from './probe-with-ffmpeg.js';
import { runTool } from './run.js';
import { interlacing, stillImage, uprightSampleAspect, uprightSize, type Rational, type VideoInfo } from './video-info.js';

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  pix_fmt?: string;
  color_space?: string;
  color_range?: string;
  color_primaries?: string;
  color_transfer?: string;
  width?: number;
  height?: number;
  sample_aspect_ratio?: string;
  field_order?: string;
  time_base?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  /** ffmpeg 4.1 to 7 state a display rotation here ("Display Matrix", its rotation in degrees). */
  side_data_list?: { rotation?: number | string }[];
  /** Older files and ffmpegs tag it instead. */
  tags?: { rotate?: string };
}
interface ProbeJson {
  streams?: ProbeStream[];
  format?: { format_name?: string; start_time?: string; duration?: string };
}

/** Probes `path`; throws InputError for anything that is not a usable video. */
export async function probeVideo(path: string): Promise<VideoInfo> {
  if (!/^https?:\/\//.test(path)) checkReadable(path); // a URL (a relay's) is read, not stat'ed
  if (!hasFfprobe()) return probeWithFfmpeg(path);
  // the packets' timestamps are read by a second ffprobe at the same time: each start of Debian's ffprobe is
  // ~0.08 s of CPU, on the way from the launch to the ranks' start. Its failure on a file that is no video
  // is the first probe's to report.
  const packets = framePts(path);
  packets.catch(() => {});
  let json: ProbeJson;
  try {
    const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', path]);
    json = JSON.parse(stdout) as ProbeJson;
  } catch (cause) {
    throw new InputError('INPUT_NOT_VIDEO', path, `${path} is not a video ffprobe can read`, { cause });
  }
  const format = json.format?.format_name ?? '';
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (!video) throw new InputError('INPUT_NO_VIDEO', path, `${path} has no video stream`);
  if (stillImage(format, video.codec_name, undefined)) throw new InputError('INPUT_NOT_VIDEO', path, `${path} is a still image (${format}), not a video`);
  const timeBase = parseRational(video.time_base, { num: 1, den: 90000 });
  const pts = await packets;
  if (pts.length === 0) throw new InputError('INPUT_NO_FRAMES', path, `${path} has a video stream with no frames`);
  if (stillImage(format, video.codec_name, pts.length)) throw new InputError('INPUT_NOT_VIDEO', path, `${path} is a still image (${format}), not a video`);
  const audio = streams.find((s) => s.codec_type === 'audio');
  const rotation = displayRotation(video);
  return {
    path,
    ...uprightSize(video.width ?? 0, video.height ?? 0, rotation),
    ...(rotation !== undefined ? { rotation } : {}),
    sampleAspect: uprightSampleAspect(video.sample_aspect_ratio, rotation),
    interlaced: interlacing(video.field_order),
    codec: video.codec_name ?? 'unknown',
    pixFmt: video.pix_fmt,
    colour: colourOfStream(video),
    timeBase,
    startSeconds: Number(json.format?.start_time ?? 0) || 0,
    pts,
    avgFrameRate: parseRational(video.avg_frame_rate, { num: 0, den: 1 }),
    rFrameRate: parseRational(video.r_frame_rate, { num: 0, den: 1 }),
    durationSeconds: Number(video.duration ?? json.format?.duration ?? 0) || 0,
    audio: audio ? { codec: audio.codec_name ?? 'unknown', durationSeconds: Number(audio.duration ?? 0) || 0 } : undefined,
    audioTracks: codecsOf(streams, 'audio'),
    subtitleTracks: codecsOf(streams, 'subtitle'),
  };
}

function codecsOf(streams: readonly ProbeStream[], type: string): string[] {
  return streams.filter((s) => s.codec_type === type).map((s) => s.codec_name ?? 'unknown');
}

/** The stream's display rotation in degrees, from its display matrix or its rotate tag; undefined for none. */
function displayRotation(video: ProbeStream): number | undefined {
  const stated = video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate;
  const degrees = Number(stated);
  return stated !== undefined && Number.isFinite(degrees) && degrees !== 0 ? degrees : undefined;
}

function checkReadable(path: string): void {
  try {
    if (!statSync(path).isFile()) throw new InputError('INPUT_NOT_FILE', path, `${path} is not a file`);
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('INPUT_MISSING', path, `${path} does not exist`);
    throw new InputError('INPUT_UNREADABLE', path, `${path} cannot be read (${code ?? 'error'})`, { cause: e });
  }
}

/**
 * Timestamps from the packets (no decoding), dropping those the demuxer marks as discarded (edit
 * lists); if any packet lacks a pts, falls back to decoding every frame.
 */
async function framePts(path: string): Promise<number[]> {
  const { stdout } = await runTool(ffprobePath(), [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts,flags', '-of', 'csv=p=0', path,
  ]);
  const pts: number[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.trim()) continue;
    const [value, flags = ''] = line.split(',');
    if (flags.includes('D')) continue;
    const n = Number(value);
    if (!Number.isFinite(n)) return decodedPts(path);
    pts.push(n);
  }
  return pts.sort((a, b) => a - b);
}

async function decodedPts(path: string): Promise<number[]> {
  const { stdout } = await runTool(ffprobePath(), [
    '-v', 'error', '-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp', '-of', 'csv=p=0', path,
  ]);
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => (Number.isFinite(Number(l)) ? Number(l) : i));
}

/** Parses "num/den" (or a plain number); returns `fallback` for "0/0" and garbage. */
export function parseRational(text: string | undefined, fallback: Rational): Rational {
  if (!text) return fallback;
  const [a, b = '1'] = text.split('/');
  const num = Number(a);
  const den = Number(b);
  if (!Number.isFinite(num) || !Number.isFinite(den) || den === 0) return fallback;
  return { num, den };
}
