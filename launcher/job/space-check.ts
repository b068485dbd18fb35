// Before a job starts: is there plausibly room for its chunks? Only a warning, as the estimate is rough
// (flat or synthetic video compresses far better than a third); a disk that does fill up stops the job
// with exit code 8 and no rerun.

/** A rough size of the FFV1 chunks of `frames` frames of width x height: a third of the raw RGB bytes. */
export function chunkBytesEstimate(width: number, height: number, frames: number): number {
  return Math.ceil((width * height * 3 * frames) / 3);
}

/** The warning to log when `freeBytes` looks too few for `neededBytes`, else undefined. */
export function spaceWarning(dir: string, freeBytes: number | undefined, neededBytes: number): string | undefined {
  if (freeBytes === undefined || freeBytes >= neededBytes) return undefined;
  return `only ${megabytes(freeBytes)} free under ${dir}, and this job's chunks may need about ${megabytes(neededBytes)} (a rough estimate for FFV1); it stops with exit code 8 if the disk fills up`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}
