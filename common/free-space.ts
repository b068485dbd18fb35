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
