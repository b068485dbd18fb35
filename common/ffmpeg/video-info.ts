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
  width: number;
  height: number;
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
