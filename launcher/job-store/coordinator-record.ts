// coordinator.json in a running job's folder: where its coordinator listens and the job token that the
// Status call asks for, so that the user who owns the job (and only that user: the file is owner-only)
// can ask a running job how it is doing. Removed when the coordinator closes.
import { readFileSync, rmSync } from 'node:fs';
import { writeWhole } from '../../common/write-whole.js';
import { join } from 'node:path';

/** What a Status caller needs. */
export interface CoordinatorRecord {
  jobId: string;
  /** host:port */
  address: string;
  pid: number;
  jobToken: string;
  /** The coordinator's certificate (PEM), where it uses TLS: a caller pins it. */
  certPem?: string;
}

function path(workDir: string): string {
  return join(workDir, 'coordinator.json');
}

/** Writes the record whole, readable by its owner only. */
export function writeCoordinatorRecord(workDir: string, record: CoordinatorRecord): void {
  writeWhole(path(workDir), JSON.stringify(record), 0o600);
}

/** The record of a running job, or undefined when it has none (not running, or finished). */
export function readCoordinatorRecord(workDir: string): CoordinatorRecord | undefined {
  try {
    return JSON.parse(readFileSync(path(workDir), 'utf8')) as CoordinatorRecord;
  } catch {
    return undefined;
  }
}

export function removeCoordinatorRecord(workDir: string): void {
  rmSync(path(workDir), { force: true });
}
