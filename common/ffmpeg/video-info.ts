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
  audio?: { codec: string; durationSeconds: number };
}

/**
 * The upright size of frames stored `width` x `height` with a display rotation of `rotation` degrees: a quarter
 * turn swaps them, as ffmpeg's decoder rotates such frames by default.
 */
export function uprightSize(width: number, height: number, rotation: number | undefined): { width: number; height: number } {
  const quarterTurn = rotation !== undefined && Math.abs(Math.round(rotation / 90)) % 2 === 1;
  return quarterTurn ? { width: height, height: width } : { width, height };
}
