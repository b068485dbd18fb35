// A rank's work was stopped from outside (the coordinator's abort, a preemption notice, a vanished
// launcher): not a failure of the work itself, so the rank reports nothing for it.

/** The stable code of an assignment stopped by cancel(). */
export const cancelledCode = 'CANCELLED';

/** The assignment was cancelled before it finished; its unfinished chunk was dropped. */
export class CancelledError extends Error {
  readonly code = cancelledCode;

  constructor() {
    super('the assignment was cancelled');
    this.name = 'CancelledError';
  }
}
