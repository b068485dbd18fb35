// The final encode (or the --keep-frames export) failed. Where ffmpeg could not write, that is exit 5 (or 8,
// a full disk); else there is no better documented exit code than 1. Either way the user sees ffmpeg's own
// last word, not a stack: its ProcessError is the cause, stderr tail included.
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { saysNoSpace } from '../../common/errors/no-space-error.js';

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
    // where ffmpeg could not write what it was writing, the output's place is at fault, as the check before
    // the job would have said (exit 5), or the disk is full (exit 8); anything else stays a bug's exit code
    const said = tail || err?.message || '';
    const exitCode = saysNoSpace(said) ? ExitCode.noSpace : /Permission denied|Operation not permitted|Read-only file system/i.test(said) ? ExitCode.badOutput : ExitCode.internal;
    super('GATHER_FAILED', exitCode, `ffmpeg (gather) failed: ${said}`, { cause });
    this.name = 'GatherError';
    this.step = step;
    this.target = target;
  }
}
