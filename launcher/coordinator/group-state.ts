// The one state set of an attempt's worker group (after torchelastic's WorkerState). The whole group
// changes state as a unit, only along the moves in `allowed`; every move is logged.
import type { Logger } from '../../common/log.js';
import { StateMachine, type Moves } from '../../common/state-machine.js';

/** State of the rank group of one attempt. */
export type GroupState =
  /** ranks are being started */
  | 'init'
  /** ranks join and load their model; nobody gets work until all are ready (the barrier) */
  | 'rendezvous'
  /** every rank has its assignment and is working: HEALTHY */
  | 'running'
  /** a rank failed (or the job was interrupted): every rank of the attempt is being stopped: UNHEALTHY */
  | 'stopping'
  /** every rank reported done and every frame is committed */
  | 'succeeded'
  /** the attempt ended by a failure; all its ranks are gone */
  | 'failed';

const allowed: Moves<GroupState> = {
  init: ['rendezvous', 'stopping'],
  rendezvous: ['running', 'stopping'],
  running: ['succeeded', 'stopping'],
  stopping: ['failed'],
  succeeded: [],
  failed: [],
};

/** Whether `from` -> `to` is a legal move. */
export function canTransition(from: GroupState, to: GroupState): boolean {
  return allowed[from].includes(to);
}

/** Holds the group's state; throws on an illegal move. */
export class GroupStateMachine extends StateMachine<GroupState> {
  constructor(log: Logger) {
    super('group', 'init', allowed, log);
  }
}
