// How much room a folder's file system has left: the launcher warns before a job starts, and ranks and
// launcher tell a full disk from a broken chunk by it.
import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bytes an unprivileged writer may still use on the file system holding `path` (or its nearest existing folder). */
export function freeBytes(path: string): number | undefined {
  for (let p = path; ; p = dirname(p)) {
    try {
      const s = statfsSync(p);
      return s.bavail * s.bsize;
    } catch {
      if (dirname(p) === p) return undefined;
    }
  }
}

/**
 * Whether a disk with `free` bytes left (undefined: unknown) is too full to hold one more raw frame of
 * width x height: the sign that a chunk failed because the disk filled, whatever the tool said.
 */
export function fullForFrame(free: number | undefined, width: number, height: number): boolean {
  return free !== undefined && free < width * height * 3;
}
