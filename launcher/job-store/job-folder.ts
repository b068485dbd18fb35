// A job's folder: its record (job.json), journal, chunks and report. In a local (or shared) --work-dir it is
// WORK/JOB; with a Blob --work-dir the record, journal and chunks live under PREFIX/JOB in Blob storage and
// WORK/JOB on this machine is their cache (common/storage/blob-chunk-store.ts, ./blob-job-mirror.ts).
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNoSpace, NoSpaceError } from '../../common/errors/no-space-error.js';
import { UsageError } from '../../common/errors/usage-error.js';
import type { Logger } from '../../common/log.js';
import { BlobChunkStore } from '../../common/storage/blob-chunk-store.js';
import { childLocation } from '../../common/storage/blob-location.js';
import { openChunkStore } from '../../common/storage/open-store.js';
import type { ChunkStore } from '../../common/storage/storage.js';
import type { JobOptions, RawOptions } from '../cli/options.js';
import { renderReport } from '../job/report.js';
import { BlobJobMirror } from './blob-job-mirror.js';
import { readJobRecord, writeJobRecord, type JobRecord } from './job-record.js';
import { describeChanges, sourceChanges, type JobSources, type SourcesPolicy } from './job-sources.js';
import { Journal } from './journal.js';
import { keepVerifiedChunks, removeUnvouchedChunks } from './keep-verified.js';
import { takeRunLock } from './run-lock.js';

/** What a succeeded job's folder keeps (without --keep-work): its record and its report. */
const keptAfterSuccess = new Set(['job.json', 'report.html']);

/**
 * A new job (with the options and sources to record) or a resumed one, with what it is made from now, what to do
 * where that changed since the job began, and how messages name the input and the model.
 */
export type FolderStart =
  | { kind: 'new'; options: RawOptions; sources: JobSources }
  | { kind: 'resume'; sources: JobSources; policy: SourcesPolicy; names: { input: string; model: string } };

/** An opened job folder. */
export class JobFolder {
  private constructor(
    /** The folder on this machine (for a Blob --work-dir, the cache). */
    readonly dir: string,
    readonly journal: Journal,
    readonly store: ChunkStore,
    private record: JobRecord,
    private readonly mirror: BlobJobMirror | undefined,
    private readonly log: Logger,
    /** Lets go of the job's lock (./run-lock.ts); the job calls it through close(). */
    readonly unlock: () => void,
  ) {}

  /**
   * Opens job `jobId`'s folder: writes its record (running), and on a resume keeps only the chunks that
   * still verify. A new job that cannot start leaves nothing behind.
   */
  static async open(opts: Pick<JobOptions, 'workRoot' | 'workStore'>, jobId: string, start: FolderStart, log: Logger): Promise<JobFolder> {
    const dir = join(opts.workRoot, jobId);
    const mirror = opts.workStore && new BlobJobMirror(childLocation(opts.workStore, jobId), dir, log);
    const journal = new Journal(join(dir, 'journal.jsonl'), mirror ? () => mirror.push('journal.jsonl') : undefined);
    // before anything in the folder changes: a resume deletes chunks it cannot vouch for, another run's among them
    const existed = existsSync(dir);
    let unlock: () => void;
    try {
      mkdirSync(dir, { recursive: true });
      unlock = takeRunLock(dir, jobId);
    } catch (e) {
      if (!existed) rmSync(dir, { recursive: true, force: true });
      if (isNoSpace(e)) throw new NoSpaceError(opts.workRoot, 'free some space or choose another --work-dir', { cause: e });
      throw e;
    }
    try {
      const store = opts.workStore ? new BlobChunkStore(childLocation(opts.workStore, `${jobId}/chunks`), join(dir, 'chunks')) : openChunkStore(join(dir, 'chunks'));
      const record: JobRecord = start.kind === 'new'
        ? { jobId, createdAt: new Date().toISOString(), options: start.options, sources: start.sources, state: 'running' }
        : { ...resumedRecord(checkedSources(readJobRecord(opts.workRoot, jobId), start, journal, log)), sources: start.sources };
      writeJobRecord(dir, record);
      mirror?.push('job.json');
      if (start.kind === 'resume') await keepVerifiedChunks(journal, store, log);
      await mirror?.flush();
      return new JobFolder(dir, journal, store, record, mirror, log, unlock);
    } catch (e) {
      unlock();
      if (start.kind === 'new') {
        rmSync(dir, { recursive: true, force: true });
        await mirror?.remove().catch(() => {});
      }
      if (isNoSpace(e)) throw new NoSpaceError(opts.workRoot, 'free some space or choose another --work-dir', { cause: e });
      throw e;
    }
  }

  /** The folder as logs and events name it: its path, or its prefix in Blob storage (without any SAS). */
  get name(): string {
    return this.mirror?.name ?? this.dir;
  }

  /** Where job.json is kept (in Blob storage for a Blob --work-dir). */
  get recordPath(): string {
    return this.mirror ? `${this.mirror.name}/job.json` : join(this.dir, 'job.json');
  }

  get reportPath(): string {
    return join(this.dir, 'report.html');
  }

  /** Writes job.json with how the job ended, and its report; a failure to is a warning (the job's own end stands). */
  end(ended: Pick<JobRecord, 'state'> & Partial<JobRecord>): void {
    try {
      this.record = { ...this.record, endedAt: new Date().toISOString(), ...ended };
      writeJobRecord(this.dir, this.record);
      writeFileSync(this.reportPath, renderReport(this.record));
      this.mirror?.push('job.json');
      this.mirror?.push('report.html');
    } catch (e) {
      this.log.warn(`could not write the job's record and report in ${this.dir}: ${(e as Error).message}`);
    }
  }

  /**
   * After a job that stopped without finishing, once none of its ranks can commit any more: only the chunks
   * the journal vouches for stay (a resume would delete the others). A failure to is a warning.
   */
  async removeUnvouched(): Promise<void> {
    try {
      await removeUnvouchedChunks(this.journal, this.store);
    } catch (e) {
      this.log.warn(`could not remove the chunks no journal line vouches for in ${this.name}: ${(e as Error).message}`);
    }
  }

  /** After success (without --keep-work): the chunks and the journal go; the record and the report stay. */
  async removeWork(): Promise<void> {
    for (const name of readdirSync(this.dir)) if (!keptAfterSuccess.has(name)) rmSync(join(this.dir, name), { recursive: true, force: true });
    await this.mirror?.removeWork();
  }

  /** Waits for the copies to Blob storage under way. */
  async flush(): Promise<void> {
    await this.mirror?.flush();
  }
}

/**
 * The record of a job resumed from sources that are no longer what it began with: refused (before anything in its
 * folder changes) where the policy says so and the input or the model changed, else its journal cleared so that
 * every frame is styled again.
 */
function checkedSources(earlier: JobRecord, start: Extract<FolderStart, { kind: 'resume' }>, journal: Journal, log: Logger): JobRecord {
  const changes = sourceChanges(earlier.sources, start.sources);
  const frames = journal.committedFrames();
  // nothing committed, nothing to mix
  if (!changes.length || frames === 0) return earlier;
  const why = describeChanges(changes, start.names);
  // chunks of another stylerun cannot be put back: only the input and the model are refused
  if (start.policy === 'refuse' && changes.some((c) => c.kind !== 'chunks')) {
    throw new UsageError(`job ${earlier.jobId} cannot be resumed: ${why}, so its ${frames} committed frames would not match the rest; put the original back, or run a new job (without --resume)`, 'SOURCES_CHANGED');
  }
  log.warn(`job ${earlier.jobId}: ${why}; its ${frames} committed frames are dropped and every frame is styled again`);
  journal.clear();
  return earlier;
}

/** A resumed job's record while it runs again: the last run's timeline joins the earlier ones. */
function resumedRecord(r: JobRecord): JobRecord {
  const { history, endedAt: _endedAt, error: _error, figures: _figures, ...rest } = r;
  return { ...rest, state: 'running', earlierRuns: [...(r.earlierRuns ?? []), ...(history ? [history] : [])] };
}
