// What the Status call reports of the job itself, kept up to date from the job's events alone.
import type { JobEvent } from './events.js';
import type { JobState } from './job-state.js';

/** The job as its events describe it. */
export interface JobView {
  jobState: JobState;
  attempt: number;
  totalFrames: number;
  committedFrames: number;
}

/** Folds one event into the view (pure: returns the new view). */
export function applyJobEvent(view: JobView, e: JobEvent): JobView {
  switch (e.kind) {
    case 'state':
      return { ...view, jobState: e.to };
    case 'job-started':
      return { ...view, totalFrames: e.totalFrames, committedFrames: e.committedFrames };
    case 'attempt-started':
      return { ...view, attempt: e.attempt };
    case 'chunk-committed':
      return { ...view, committedFrames: e.committedFrames };
    default:
      return view;
  }
}
