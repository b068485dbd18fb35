// What a rank's chunk sinks share when the rank cannot write the launcher's chunk folder (no shared disk, or
// chunks in Blob storage): a staging folder on its own disk, and who the rank is to the coordinator. Each
// sink says how a staged chunk is committed (rank/chunk-upload.ts, rank/chunk-to-blob.ts).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { CoordinatorClient } from '../common/coordinator-client.js';
import type { ChunkSink } from '../common/storage/storage.js';

/** Chunks staged in `dir`, committed by the subclass. */
export abstract class StagedChunks implements ChunkSink {
  constructor(
    protected readonly client: CoordinatorClient,
    protected readonly jobToken: string,
    protected readonly rank: number,
    readonly dir: string,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  stagingPath(key: string): string {
    return join(this.dir, `.staging-${key}`);
  }

  abstract commit(stagedPath: string, key: string, sha256: string): Promise<void>;
}
