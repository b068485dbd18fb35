// The checksum a rank reports in Done: sha-256 over its chunks' own sha-256s, in the order it
// committed them. The launcher recomputes it from the chunks it verified, so a lost or extra
// ChunkCommitted message is caught before the attempt counts as done.
import { createHash } from 'node:crypto';

/** Combined checksum of chunk checksums, in order. */
export function combinedChecksum(chunkSha256s: readonly string[]): string {
  const hash = createHash('sha256');
  for (const sha of chunkSha256s) hash.update(sha);
  return hash.digest('hex');
}
