// Takes a chunk that a rank on a host without a shared disk sends over PutChunk, into the launcher's chunk
// store: checks the key's shape, writes the bytes to a staged file while hashing them, and commits under
// the key only when size and sha256 match what the rank announced. Nothing half-received is ever visible.
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { parseChunkKey } from '../../common/storage/chunk-key.js';
import type { ChunkStore } from '../../common/storage/storage.js';

/** Why an upload was refused: a key that is not a chunk key, more bytes than allowed, or bytes that are not the announced ones. */
export type UploadRefusal = 'bad-key' | 'too-large' | 'mismatch';

/** An upload refused for a reason the sender caused (the server answers INVALID_ARGUMENT or DATA_LOSS). */
export class ChunkUploadError extends Error {
  constructor(
    readonly refusal: UploadRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'ChunkUploadError';
  }
}

/** What the rank announces before the bytes. */
export interface UploadHeader {
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
}

/** The largest chunk accepted: a 2-second chunk of 8K FFV1 is about 3 GB; anything past 16 GiB is not a chunk. */
export const maxChunkBytes = 16 * 1024 ** 3;

/** Stores the chunk `pieces` carry under `header.key`, or throws ChunkUploadError (or the disk's error) and leaves nothing. */
export async function receiveChunk(store: ChunkStore, header: UploadHeader, pieces: AsyncIterable<Uint8Array>, maxBytes = maxChunkBytes): Promise<void> {
  if (!parseChunkKey(header.key)) throw new ChunkUploadError('bad-key', `"${header.key.slice(0, 80)}" is not a chunk key`);
  if (header.size > maxBytes) throw new ChunkUploadError('too-large', `${header.key}: ${header.size} bytes is more than the ${maxBytes} a chunk may have`);
  const staged = store.stagingPath(header.key);
  const file = createWriteStream(staged);
  const hash = createHash('sha256');
  let received = 0;
  try {
    for await (const piece of pieces) {
      received += piece.length;
      if (received > header.size) throw new ChunkUploadError('mismatch', `${header.key}: more than the announced ${header.size} bytes`);
      hash.update(piece);
      if (!file.write(piece)) await once(file, 'drain');
    }
    file.end();
    await once(file, 'finish');
    if (received !== header.size) throw new ChunkUploadError('mismatch', `${header.key}: ${received} bytes arrived of the announced ${header.size}`);
    const sha256 = hash.digest('hex');
    if (sha256 !== header.sha256) throw new ChunkUploadError('mismatch', `${header.key}: the bytes hash to ${sha256}, not the announced ${header.sha256}`);
    await store.commit(staged, header.key, sha256);
  } catch (e) {
    file.destroy();
    await rm(staged, { force: true });
    throw e;
  }
}
