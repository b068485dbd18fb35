// The job's one state at a time, changed only along the moves below (as the attempt's group state is).
import type { Logger } from '../../common/log.js';

/** Where a job stands. */
export type JobState =
  /** options, output folder, hostfile, input probe and model contract are being checked; no rank runs */
  | 'checking'
  /** attempts of the styling step run (reruns included) */
  | 'styling'
  /** every frame is committed; the chunks become the output */
  | 'gathering'
  /** the output is complete and in place */
  | 'succeeded'
  /** bad input, gave up, barrier timeout, interrupted or an internal error; nothing at --output */
  | 'failed';

const allowed: Record<JobState, readonly JobState[]> = {
  checking: ['styling', 'failed'],
  styling: ['gathering', 'failed'],
  gathering: ['succeeded', 'failed'],
  succeeded: [],
  failed: [],
};

/** Whether a job may move from `from` to `to`. */
export function canMove(from: JobState, to: JobState): boolean {
  return allowed[from].includes(to);
}

/** Holds the job's state; `transition` checks the move, tells `onMove` and logs it at debug. */
export class JobStateMachine {
  private current: JobState = 'checking';

  constructor(private readonly onMove: (from: JobState, to: JobState, why: string) => void, private readonly log?: Logger) {}

  get state(): JobState {
    return this.current;
  }

  transition(to: JobState, why: string): void {
    const from = this.current;
    if (!canMove(from, to)) throw new Error(`job state: illegal move ${from} -> ${to} (${why})`);
    this.current = to;
    this.log?.debug(`job ${from} -> ${to}`, { why });
    this.onMove(from, to, why);
  }
}
