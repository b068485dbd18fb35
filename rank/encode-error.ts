// The FFV1 encoder did not leave a whole chunk. A full disk is told apart from this (NoSpaceError, which
// keeps this error as its cause); what remains is a failed encode, which a rerun may mend.
import { ExitCode } from '../common/exit-codes.js';
import { StylerunError } from '../common/errors/stylerun-error.js';

/** The stable code a rank's Failed message carries for a chunk its encoder did not finish. */
export const encodeFailedCode = 'ENCODE_FAILED';

/** ffmpeg (encode) ended before the chunk's last frame, or left the chunk empty. */
export class EncodeError extends StylerunError {
  /** The chunk's key, e.g. chunk-000000032-32.mp4. */
  readonly key: string;

  constructor(key: string, message: string, options?: { cause?: unknown }) {
    // a rank exits 1 whatever failed; the launcher's own exit code comes from its rerun policy
    super(encodeFailedCode, ExitCode.internal, message, options);
    this.name = 'EncodeError';
    this.key = key;
  }
}
