// Where a job's chunks live. Ranks and the launcher address chunks by key through this interface,
// never by scattered fs calls, so that Blob storage can stand behind it later.

/** A place that holds named files, written atomically. */
export interface ChunkStore {
  /** A local path where a chunk may be written before it is committed. */
  stagingPath(key: string): string;
  /** Makes the staged file visible under `key` atomically; a half-written file is never visible. */
  commit(stagedPath: string, key: string): Promise<void>;
  /** A path or URL ffmpeg can read the committed chunk from. */
  readPath(key: string): string;
  /** Keys of committed chunks. */
  list(): Promise<string[]>;
  remove(key: string): Promise<void>;
}
