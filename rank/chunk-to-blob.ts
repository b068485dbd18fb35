// Where a rank puts its chunks when the job's chunks live in Blob storage: encoded into a staging folder on
// its own disk, then uploaded straight to the job's prefix, not through the launcher. Before each upload the
// rank asks the coordinator (ChunkWriteUrl) for a URL with a short-lived SAS for that one blob. The blob is
// committed (its block list) only once every block is in, so commit returns once the chunk is really there,
// and ChunkCommitted still follows a chunk the launcher can verify.
import { BlockBlobClient } from '@azure/storage-blob';
import { rm } from 'node:fs/promises';
import { chunkUploadOptions } from '../common/storage/blob-chunk-store.js';
import { blobRetryOptions } from '../common/storage/blob-location.js';
import { StagedChunks } from './staged-chunks.js';

/** Asking for a URL is quick; a coordinator that does not answer in this long is as good as gone. */
const urlDeadlineMs = 30_000;

/** Chunks staged in `dir` and committed by uploading them to Blob storage. */
export class ChunkToBlob extends StagedChunks {
  async commit(stagedPath: string, key: string): Promise<void> {
    const url = await this.writeUrl(key);
    try {
      await new BlockBlobClient(url, undefined, { retryOptions: blobRetryOptions }).uploadFile(stagedPath, chunkUploadOptions);
    } catch (e) {
      // the SDK's errors may quote the request, SAS and all: say what failed, in words of our own
      const status = (e as { statusCode?: number }).statusCode;
      throw new Error(`uploading ${key} to Blob storage failed (${status ?? (e as Error).name}${status === 403 ? ': the write SAS was refused' : ''})`);
    }
    await rm(stagedPath, { force: true });
  }

  private writeUrl(key: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.client.ChunkWriteUrl({ job_token: this.jobToken, rank: this.rank, key }, { deadline: Date.now() + urlDeadlineMs }, (err, reply) =>
        err || !reply?.url ? reject(new Error(`no write URL for ${key}: ${err?.details ?? 'empty reply'}`)) : resolve(reply.url));
    });
  }
}
