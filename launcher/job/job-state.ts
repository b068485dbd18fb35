// The job's one state at a time, changed only along the moves below (as the attempt's group state is).
import type { Logger } from '../../common/log.js';
import { StateMachine, type Moves } from '../../common/state-machine.js';

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

const allowed: Moves<JobState> = {
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
export class JobStateMachine extends StateMachine<JobState> {
  constructor(onMove: (from: JobState, to: JobState, why: string) => void, log?: Logger) {
    super('job', 'checking', allowed, log, onMove);
  }
}
