// A chunk counts only once its bytes hash to what the rank reported and it holds the frames it claims.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { countVideoPackets } from '../ffmpeg/count-packets.js';
import { mp4VideoSamples } from '../ffmpeg/mp4-samples.js';
import { sha256File } from '../checksums.js';
import { ChunkRejectedError } from './chunk-rejected-error.js';

/**
 * Throws ChunkRejectedError (saying why) unless the chunk file at `path` has `sha256` and `count` frames. An
 * H.264 chunk (MP4: a few MB for its ~2 s) is read once, and its frames counted from its own sample table;
 * other chunks (lossless FFV1 in NUT, far larger) are hashed as a stream and counted by ffprobe.
 */
export async function verifyChunk(path: string, sha256: string, count: number): Promise<void> {
  let bytes: Buffer | undefined;
  let actual: string;
  try {
    if (path.endsWith('.mp4')) {
      bytes = await readFile(path);
      actual = createHash('sha256').update(bytes).digest('hex');
    } else {
      actual = await sha256File(path);
    }
  } catch (e) {
    throw new ChunkRejectedError(path, 'missing', `chunk ${path} is missing`, { cause: e });
  }
  if (actual !== sha256) throw new ChunkRejectedError(path, 'checksum', `chunk ${path} checksum mismatch`);
  const frames = (bytes && mp4VideoSamples(bytes)) ?? (await countVideoPackets(path));
  if (frames !== count) throw new ChunkRejectedError(path, 'frame-count', `chunk ${path} holds ${frames} frames, not ${count}`);
}
