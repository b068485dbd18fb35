// job.json: what a job was asked to do, so that `--resume JOB` can finish it after the launcher died.
// Holds no secret (the job token is made anew by each launcher run).
import { existsSync, readFileSync } from 'node:fs';
import { writeWhole } from '../../common/write-whole.js';
import { join } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';
import type { RawOptions } from '../cli/options.js';
import type { JobHistory } from '../job/job-history.js';
import type { JobSources } from './job-sources.js';

/** The record kept in each job folder, and kept after the job ends. */
export interface JobRecord {
  jobId: string;
  createdAt: string;
  options: RawOptions;
  /** What the chunks are made from (a resume checks them); none in a record from before they were kept. */
  sources?: JobSources;
  /** running while the job runs (and after a launcher that died); succeeded or failed once it ended. None: a record from before states, unfinished. */
  state?: 'running' | 'succeeded' | 'failed';
  endedAt?: string;
  /** Why it failed: the one-line error the launcher printed. */
  error?: string;
  /** The output, as it may be shown (a blob's URL without its SAS). */
  output?: string;
  figures?: JobFigures;
  history?: JobHistory;
  /** The timelines of earlier runs of this job (each launcher run that a resume followed), oldest first. */
  earlierRuns?: JobHistory[];
}

/** The run's figures, for people and machines: frames, wall time and frames/s of the whole job. */
export interface JobFigures {
  frames: number;
  wallMs: number;
  framesPerSecond: number;
  barrierMs?: number;
  stylingMs?: number;
  gatherMs?: number;
}

/**
 * Whether the recorded job (under `workRoot`) can be resumed: it has work left (it did not succeed), or its
 * chunks (a succeeded job kept with --keep-work, which a resume gathers again).
 */
export function canResume(record: JobRecord, workRoot: string): boolean {
  return record.state !== 'succeeded' || existsSync(join(workRoot, record.jobId, 'journal.jsonl'));
}

/** Job `jobId`'s record under `workRoot` where a resume can pick it up; undefined with no record, or nothing to resume. */
export function resumableRecord(workRoot: string, jobId: string): JobRecord | undefined {
  if (!existsSync(join(workRoot, jobId, 'job.json'))) return undefined;
  const record = readJobRecord(workRoot, jobId);
  return canResume(record, workRoot) ? record : undefined;
}

/** Writes `workDir/job.json`. */
export function writeJobRecord(workDir: string, record: JobRecord): void {
  writeWhole(join(workDir, 'job.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads the record of job `jobId` under `workRoot`; a missing or broken one is a usage error. */
export function readJobRecord(workRoot: string, jobId: string): JobRecord {
  if (!/^[0-9a-f]{8}$/.test(jobId)) throw new UsageError(`--resume needs a job id like 1a2b3c4d, got "${jobId}"`);
  const path = join(workRoot, jobId, 'job.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    throw new UsageError(`no job ${jobId} to resume: ${path} is missing or unreadable (check --work-dir)`);
  }
  // what every reader of a record takes for granted; anything else is not a job stylerun wrote
  if (!isJobRecord(parsed)) throw new UsageError(`job ${jobId}: ${path} is not a stylerun job record (no job id, creation time or options)`);
  return parsed;
}

function isJobRecord(v: unknown): v is JobRecord {
  const r = v as Partial<JobRecord> | null;
  return typeof r === 'object' && r !== null && typeof r.jobId === 'string' && typeof r.createdAt === 'string' && typeof r.options === 'object' && r.options !== null;
}
