// The decoder ended before the frames the coordinator assigned: the input holds fewer frames in this
// range than the launcher's probe counted (a truncated or damaged file), so no rerun will find them.
import { ExitCode } from '../common/exit-codes.js';
import { StylerunError } from '../common/errors/stylerun-error.js';

/** The stable code a rank's Failed message carries for a range its decoder could not fill. */
export const decodeShortCode = 'DECODE_SHORT';

/** ffmpeg gave fewer frames of a range than it holds by the probe's count. */
export class DecodeError extends StylerunError {
  /** The range's first frame index. */
  readonly start: number;
  /** Frames the range should hold. */
  readonly count: number;
  /** Frames the decoder gave before it ended. */
  readonly delivered: number;

  constructor(start: number, count: number, delivered: number, options?: { cause?: unknown }) {
    super(decodeShortCode, ExitCode.badInput, `decoder gave ${delivered} of ${count} frames from frame ${start}`, options);
    this.name = 'DecodeError';
    this.start = start;
    this.count = count;
    this.delivered = delivered;
  }
}
