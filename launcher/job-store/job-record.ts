// job.json: what a job was asked to do, so that `--resume JOB` can finish it after the launcher died.
// Holds no secret (the job token is made anew by each launcher run).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';
import type { RawOptions } from '../cli/options.js';

/** The record kept in each job folder. */
export interface JobRecord {
  jobId: string;
  createdAt: string;
  options: RawOptions;
}

/** Writes `workDir/job.json`. */
export function writeJobRecord(workDir: string, record: JobRecord): void {
  writeFileSync(join(workDir, 'job.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads the record of job `jobId` under `workRoot`; a missing or broken one is a usage error. */
export function readJobRecord(workRoot: string, jobId: string): JobRecord {
  if (!/^[0-9a-f]{8}$/.test(jobId)) throw new UsageError(`--resume needs a job id like 1a2b3c4d, got "${jobId}"`);
  const path = join(workRoot, jobId, 'job.json');
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as JobRecord;
  } catch {
    throw new UsageError(`no job ${jobId} to resume: ${path} is missing or unreadable (check --work-dir)`);
  }
}
