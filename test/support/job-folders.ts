import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What each job folder under `work` holds, sorted: after a success, only ['job.json', 'report.html']. */
export function jobFolders(work: string): string[][] {
  return readdirSync(work).map((id) => readdirSync(join(work, id)).sort());
}

/** What a succeeded job's folder keeps: its record and its report. */
export const keptAfterSuccess = ['job.json', 'report.html'];
