// Before a job starts: is there plausibly room for its chunks? Only a warning, as the estimate is rough
// (flat or synthetic video compresses far better); a disk that does fill up stops the job with exit code 8
// and no rerun.
import type { ChunkCodec } from './output-encoding.js';

/** Raw RGB bytes per chunk byte, roughly: FFV1 keeps about a third; H.264 at CRF 18 rarely exceeds 1.2 bits a pixel. */
const compression: Record<ChunkCodec, number> = { ffv1: 3, h264: 20 };

/** A rough size of the chunks of `frames` frames of width x height. */
export function chunkBytesEstimate(codec: ChunkCodec, width: number, height: number, frames: number): number {
  return Math.ceil((width * height * 3 * frames) / compression[codec]);
}

/** The warning to log when `freeBytes` looks too few for `neededBytes`, else undefined. */
export function spaceWarning(dir: string, freeBytes: number | undefined, neededBytes: number, codec: ChunkCodec): string | undefined {
  if (freeBytes === undefined || freeBytes >= neededBytes) return undefined;
  const name = codec === 'ffv1' ? 'FFV1' : 'H.264';
  return `only ${megabytes(freeBytes)} free under ${dir}, and this job's chunks may need about ${megabytes(neededBytes)} (a rough estimate for ${name}); it stops with exit code 8 if the disk fills up`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
