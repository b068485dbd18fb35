// Checksums both sides compute: a chunk file's sha-256 (the rank reports it, the launcher verifies it),
// and the one a rank reports in Done: sha-256 over its chunks' own sha-256s, in the order it committed
// them, which the launcher recomputes so that a lost or extra ChunkCommitted message is caught.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Sha-256 of a file's bytes, hex. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const b of createReadStream(path)) hash.update(b as Buffer);
  return hash.digest('hex');
}

/** Combined checksum of chunk checksums, in order. */
export function combinedChecksum(chunkSha256s: readonly string[]): string {
  const hash = createHash('sha256');
  for (const sha of chunkSha256s) hash.update(sha);
  return hash.digest('hex');
}
