// The final encode (or the --keep-frames export) failed. There is no better documented exit code than 1,
// but the user should see ffmpeg's own last word, not a stack: its ProcessError is the cause, stderr tail
// included.
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** Which gather step failed: the output video, or the PNGs of --keep-frames. */
export type GatherStep = 'encode' | 'frames';

/** ffmpeg (gather) failed; `cause` is its ProcessError (or the spawn error). */
export class GatherError extends StylerunError {
  readonly step: GatherStep;
  /** What it was writing: the temporary output file, or the frames folder. */
  readonly target: string;

  constructor(step: GatherStep, target: string, cause: unknown) {
    const err = cause as { stderrTail?: string; message?: string } | undefined;
    const tail = (err?.stderrTail ?? '').trim().split('\n').slice(-1)[0];
    super('GATHER_FAILED', ExitCode.internal, `ffmpeg (gather) failed: ${tail || err?.message}`, { cause });
    this.name = 'GatherError';
    this.step = step;
    this.target = target;
  }
}
