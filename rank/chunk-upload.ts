// Where a rank on a host with no shared disk puts its chunks: encoded into a staging folder on its own
// disk, then sent to the coordinator over PutChunk, which stores them in the launcher's chunk store. The
// chunk writer sees the same stage-then-commit interface as a local store; commit returns once the
// launcher has the whole chunk, so ChunkCommitted still follows a chunk that is really there.
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { StagedChunks } from './staged-chunks.js';

/** Pieces of 512 KiB stay under the coordinator's 1 MiB message limit. */
const pieceBytes = 512 * 1024;
/** A chunk that takes longer than this to send is given up on (the rank fails, and the attempt reruns). */
const uploadDeadlineMs = 10 * 60_000;

/** Chunks staged in `dir` and committed by sending them to the coordinator. */
export class ChunkUpload extends StagedChunks {
  async commit(stagedPath: string, key: string, sha256: string): Promise<void> {
    const { size } = await stat(stagedPath);
    await new Promise<void>((resolve, reject) => {
      const call = this.client.PutChunk({ deadline: Date.now() + uploadDeadlineMs }, (err) => (err ? reject(err) : resolve()));
      call.write({ header: { job_token: this.jobToken, rank: this.rank, key, sha256, size } });
      const file = createReadStream(stagedPath, { highWaterMark: pieceBytes });
      file.on('data', (piece) => {
        if (!call.write({ data: piece })) {
          file.pause();
          call.once('drain', () => file.resume());
        }
      });
      file.on('end', () => call.end());
      file.on('error', (e) => {
        call.cancel();
        reject(e);
      });
    });
    await rm(stagedPath, { force: true });
  }
}
