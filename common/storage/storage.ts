// Where a job's chunks live. Ranks and the launcher address chunks by key through this interface,
// never by scattered fs calls, so that a store on another machine or in Blob storage plugs in
// without touching the job.

/** One committed chunk: frames [start, start+count) of the source, stored under `key`, whose bytes hash to `sha256`. */
export interface ChunkRecord {
  start: number;
  count: number;
  key: string;
  sha256: string;
}

/** What a chunk writer needs: somewhere to stage a chunk, and an atomic commit of it under its key. */
export type ChunkSink = Pick<ChunkStore, 'stagingPath' | 'commit'>;

/** A place that holds named chunk files, written atomically. */
export interface ChunkStore {
  /** Where the store is, as ranks are told it (Assignment.chunk_store) and openChunkStore takes it. */
  readonly location: string;
  /** Whether ranks on this machine (or on hosts that share its disk) write chunks into it as a folder themselves. */
  readonly directory: boolean;
  /**
   * Where a rank may upload chunk `key` itself (a URL with a short-lived credential for that one chunk: a
   * secret); absent where ranks cannot write the store but through the launcher.
   */
  readonly writeUrl?: (key: string) => Promise<string>;
  /** Stage: a local path where a chunk may be written before it is committed. */
  stagingPath(key: string): string;
  /**
   * Commit: makes the staged file visible under `key` atomically; a half-written file is never visible.
   * `sha256` is the staged file's digest, which the writer has already computed (a store that sends the file
   * on needs it, and should not read the file a second time for it).
   */
  commit(stagedPath: string, key: string, sha256: string): Promise<void>;
  /** Verify: resolves if the committed chunk has the record's bytes and frame count; else rejects with ChunkRejectedError. */
  verify(record: ChunkRecord): Promise<void>;
  /** List: keys of committed chunks. */
  list(): Promise<string[]>;
  /** Read: a path or URL ffmpeg can read the committed chunk from. */
  readPath(key: string): string;
  /** Remove a committed chunk (a rejected one, or one no journal line vouches for). */
  remove(key: string): Promise<void>;
  /** Remove staged files left by ranks that died mid-chunk. */
  removeStaged(): Promise<void>;
  /** Bytes still free where chunks are written, where the store can tell (a full disk is not a bad chunk). */
  freeBytes(): number | undefined;
}
