// A chunk a rank reported that the launcher will not journal. It fails that rank's attempt (or, on
// resume, drops the chunk), so it reaches the CLI only through a rerun decision, never as an exit code
// of its own.
import { basename } from 'node:path';
import { ExitCode } from '../exit-codes.js';
import { StylerunError } from '../errors/stylerun-error.js';

/** Why a chunk was rejected: its file is gone, its bytes are not the ones reported, or it holds the wrong number of frames. */
export type ChunkRejection = 'missing' | 'checksum' | 'frame-count';

/** A chunk file failed verification. */
export class ChunkRejectedError extends StylerunError {
  /** The chunk's key (its file name), e.g. chunk-000000032-32.mp4. */
  readonly key: string;
  /** Where the launcher looked for it. */
  readonly path: string;
  readonly reason: ChunkRejection;

  constructor(path: string, reason: ChunkRejection, message: string, options?: { cause?: unknown }) {
    super('CHUNK_REJECTED', ExitCode.internal, message, options);
    this.name = 'ChunkRejectedError';
    this.key = basename(path);
    this.path = path;
    this.reason = reason;
  }
}
