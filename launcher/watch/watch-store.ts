// What `stylerun watch` needs of the place it watches, whatever it is (a Blob container, a local or shared
// directory): the uploads, one record per upload, exclusive claims that run out unless renewed, and a place
// for each run's logs.
import type { Upload, UploadRecord } from './watch-decisions.js';

/** An upload held by this watcher: renewed in the background; `lost` aborts when the claim cannot be kept. */
export interface Claim {
  readonly lost: AbortSignal;
  release(): Promise<void>;
}

export interface WatchStore {
  /** Names under the source that are the watcher's own (its records, its outputs), never uploads. */
  readonly ownPrefixes: string[];
  list(): Promise<Upload[]>;
  records(): Promise<Map<string, UploadRecord>>;
  /** The record of one upload (as `records()` would give it), read without listing them all. */
  recordOf(name: string): Promise<UploadRecord | undefined>;
  /** Takes `name` for this watcher, or undefined when another holds it. */
  claim(name: string): Promise<Claim | undefined>;
  markDone(name: string, record: Record<string, unknown>): Promise<void>;
  recordFailure(name: string, failures: number, error: string): Promise<void>;
  /** Moves the upload aside, with why, so that it never blocks the others. */
  park(name: string, why: Record<string, unknown>): Promise<void>;
  /** Keeps the files of `dir` (a run's logs) under logs/NAME/RUN/. */
  keepLogs(name: string, run: string, dir: string): Promise<void>;
}
