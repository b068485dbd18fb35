// What a running job tells the world. runJob emits these; the log lines, the progress lines, the
// Status call and the summary are all read from them, and so will progress bars and reports be.
import type { JobState } from './job-state.js';
import type { JobSummary } from './job.js';
import type { RankTimes } from '../coordinator/rank-messages.js';

/** One thing that happened in a job. */
export type JobEvent =
  | { kind: 'state'; from: JobState; to: JobState; why: string }
  /** workDir: the job's folder, or its prefix in Blob storage (without any SAS). */
  | { kind: 'job-started'; jobId: string; workDir: string; totalFrames: number; committedFrames: number; resumed: boolean }
  | {
      kind: 'attempt-started'; attempt: number; maxAttempts: number; ranks: number; framesToStyle: number; totalFrames: number;
      framesRedone: number; leftOutSlots: number[];
      /** Each rank's share: its first and last frame, and how many frames (its range may hold committed chunks' gaps). */
      shares: { first: number; last: number; frames: number }[];
    }
  /** device: where a ready rank runs ("cpu", "webgpu", "cuda:N") */
  | { kind: 'rank-state'; attempt: number; rank: number; host: string; state: 'ready' | 'failed'; pid?: number; executionProvider?: string; device?: string; loadMs?: number; reason?: string }
  | { kind: 'rank-done'; attempt: number; times: RankTimes }
  | { kind: 'model-note'; attempt: number; note: string }
  | { kind: 'barrier-passed'; attempt: number; ranks: number; ms: number }
  | { kind: 'chunk-committed'; attempt: number; rank: number; start: number; count: number; committedFrames: number }
  /** doneFrames: the job's frames styled (committed before the attempt, or styled by its ranks so far); byRank: each rank's frames this attempt */
  | { kind: 'progress'; attempt: number; doneFrames: number; totalFrames: number; byRank: number[] }
  /** rootCauseRank: the rank whose failure came first, where it was a rank's (not the barrier's, say) */
  | { kind: 'attempt-failed'; attempt: number; rootCause: string; rootCauseRank?: number; willRerun: boolean }
  | { kind: 'nothing-to-style' }
  | { kind: 'gathered'; output: string; gatherMs: number }
  | { kind: 'done'; summary: JobSummary };

/** A listener for a job's events. */
export type JobListener = (e: JobEvent) => void;

/** Fans a job's events out to its listeners, in order; a throwing listener does not stop the job. */
export class JobEvents {
  private readonly listeners: JobListener[] = [];

  on(listener: JobListener): () => void {
    this.listeners.push(listener);
    return () => this.listeners.splice(this.listeners.indexOf(listener), 1);
  }

  emit(e: JobEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
}
