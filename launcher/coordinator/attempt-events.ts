// What an attempt tells its owner as it goes, as typed values rather than log lines: the owner decides
// what to print (the launcher's log today, the job's events later).
import type { RankFailure } from './decisions.js';
import type { RankTimes } from './rank-messages.js';

/** Something that happened during one attempt. */
export type AttemptEvent =
  /** a rank loaded its model and waits at the barrier */
  | { kind: 'rank-ready'; attempt: number; rank: number; host: string; pid?: number; executionProvider: string; device: string; loadMs: number }
  /** the first model note a rank of the attempt gave (what the model is, how it was loaded) */
  | { kind: 'model-note'; attempt: number; note: string }
  /** every rank was ready: assignments went out `ms` after the attempt started */
  | { kind: 'barrier-passed'; attempt: number; ranks: number; ms: number }
  /** a rank styled its whole share: its figures */
  | { kind: 'rank-done'; attempt: number; times: RankTimes }
  /** a failure as first recorded (the process's exit may refine it in the result's failures) */
  | { kind: 'rank-failed'; attempt: number; failure: RankFailure };
