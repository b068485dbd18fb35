// A chunk counts only once its bytes hash to what the rank reported and it holds the frames it claims.
import { countVideoPackets } from '../ffmpeg/count-packets.js';
import { sha256File } from '../checksums.js';
import { ChunkRejectedError } from './chunk-rejected-error.js';

/** Throws ChunkRejectedError (saying why) unless the chunk file at `path` has `sha256` and `count` frames. */
export async function verifyChunk(path: string, sha256: string, count: number): Promise<void> {
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch (e) {
    throw new ChunkRejectedError(path, 'missing', `chunk ${path} is missing`, { cause: e });
  }
  if (actual !== sha256) throw new ChunkRejectedError(path, 'checksum', `chunk ${path} checksum mismatch`);
  const frames = await countVideoPackets(path);
  if (frames !== count) throw new ChunkRejectedError(path, 'frame-count', `chunk ${path} holds ${frames} frames, not ${count}`);
}
