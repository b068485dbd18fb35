// What a probe tells about an input video; probe.ts and probe-with-ffmpeg.ts both produce it.
import type { VideoColour } from './colour.js';

/** A rational number as ffprobe prints it ("30000/1001"). */
export interface Rational {
  num: number;
  den: number;
}

/** Everything the job pipeline needs to know about an input video. */
export interface VideoInfo {
  path: string;
  /**
   * The frames' size as ffmpeg decodes them: upright, after the display rotation a phone video states (ffmpeg
   * rotates while decoding unless told not to), so a portrait video stored as 1920x1080 is 1080x1920 here.
   */
  width: number;
  height: number;
  /** The display rotation the source states, in degrees (e.g. 90 or -90); absent where it states none. */
  rotation?: number;
  /** The upright frames' sample (pixel) aspect ratio where the source states one that is not square (DV's 32:27). */
  sampleAspect?: Rational;
  codec: string;
  /** The decoder's pixel format (e.g. "yuv444p"), where known. */
  pixFmt?: string;
  /** The colour description the source states (matrix, range, primaries, transfer); absent where it states none. */
  colour?: VideoColour;
  timeBase: Rational;
  /** The container's start time in seconds; input seeks are relative to it. */
  startSeconds: number;
  /** Presentation timestamps of every frame, in timeBase units, in presentation order. */
  pts: number[];
  avgFrameRate: Rational;
  rFrameRate: Rational;
  durationSeconds: number;
  /** Where the source says its frames are interlaced: which field comes first ("top" or "bottom"). */
  interlaced?: 'top' | 'bottom';
  /** The first audio track. */
  audio?: { codec: string; durationSeconds: number };
  /** Every audio track's codec, in the source's order (the first is `audio`'s). */
  audioTracks?: string[];
  /** Every subtitle track's codec, in the source's order. */
  subtitleTracks?: string[];
}

/** The codecs of the source's audio tracks: all of them where the probe listed them, else the first one's. */
export function audioTracks(info: Pick<VideoInfo, 'audio' | 'audioTracks'>): string[] {
  return info.audioTracks ?? (info.audio ? [info.audio.codec] : []);
}

/**
 * A stated sample aspect ratio ("32:27", as ffprobe and ffmpeg's stream line print it) that is not square, as the
 * upright frames have it (a quarter turn inverts it, as ffmpeg's rotation does); undefined for square, 0:1 or none.
 */
export function uprightSampleAspect(stated: string | undefined, rotation: number | undefined): Rational | undefined {
  const m = /^(\d+):(\d+)$/.exec(stated ?? '');
  const num = Number(m?.[1] ?? 0);
  const den = Number(m?.[2] ?? 0);
  if (!num || !den || num === den) return undefined;
  return quarterTurn(rotation) ? { num: den, den: num } : { num, den };
}

/** "32:27" for a sample aspect ratio, as ChunkEncoding carries it; '' for none. */
export function sampleAspectText(sar: Rational | undefined): string {
  return sar ? `${sar.num}:${sar.den}` : '';
}

/** The filter that gives encoded frames the sample aspect ratio `text` ("32:27"); none for ''. */
export function sampleAspectFilters(text: string | undefined): string[] {
  return text ? [`setsar=${text.replace(':', '/')}`] : [];
}

function quarterTurn(rotation: number | undefined): boolean {
  return rotation !== undefined && Math.abs(Math.round(rotation / 90)) % 2 === 1;
}

/**
 * The upright size of frames stored `width` x `height` with a display rotation of `rotation` degrees: a quarter
 * turn swaps them, as ffmpeg's decoder rotates such frames by default.
 */
export function uprightSize(width: number, height: number, rotation: number | undefined): { width: number; height: number } {
  return quarterTurn(rotation) ? { width: height, height: width } : { width, height };
}

/**
 * Interlacing as ffprobe's field_order ("tt", "bb", "tb", "bt") or ffmpeg's stream line ("yuv420p(top first)",
 * "(bottom coded first (swapped))") states it: the field shown first; undefined for progressive or unstated.
 */
export function interlacing(stated: string | undefined): 'top' | 'bottom' | undefined {
  const s = stated ?? '';
  if (/^(tt|tb)$|top first|top coded first/.test(s)) return 'top';
  if (/^(bb|bt)$|bottom first|bottom coded first/.test(s)) return 'bottom';
  return undefined;
}

/**
 * Whether a source read by ffmpeg's demuxer `format` with a video stream in `codec` is a picture, not a video: an
 * image demuxer, a picture codec outside a video container, or a GIF of one frame (an animated GIF is a video).
 * `frames` undefined: not counted yet (only what the format and codec tell).
 */
export function stillImage(format: string, codec: string | undefined, frames: number | undefined): boolean {
  if (/^(image2|.*_pipe)$/.test(format)) return true;
  if (/^(png|mjpeg|bmp|webp|tiff)$/.test(codec ?? '') && !/mov|matroska|avi/.test(format)) return true;
  return format === 'gif' && frames === 1;
}
