// job.json and the journal of a job whose --work-dir is in Blob storage. The launcher works on them in the
// job's local cache folder, as for a local --work-dir, and copies each to JOB/job.json and JOB/journal.jsonl
// under the Blob prefix after every change, so that a launcher on another machine can resume the job from
// Blob storage alone. Copies go one at a time, the newest content of each file winning; one lost with a
// launcher that died costs only chunks restyled (a chunk the journal does not vouch for is redone).
import type { ContainerClient, RestError } from '@azure/storage-blob';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../common/log.js';
import { UsageError } from '../../common/errors/usage-error.js';
import { writeWhole } from '../../common/write-whole.js';
import { blobPrefix, childLocation, containerClient, describeBlob, type BlobLocation } from '../../common/storage/blob-location.js';

/** The job's files that live in Blob storage beside its chunks. */
export type MirroredFile = 'job.json' | 'journal.jsonl' | 'report.html';

/** The Blob copy of one job's record and journal (`at` is the job's prefix, e.g. jobs/1a2b3c4d). */
export class BlobJobMirror {
  private readonly container: ContainerClient;
  private readonly prefix: string;
  private readonly pending = new Set<MirroredFile>();
  private draining?: Promise<void>;

  constructor(private readonly at: BlobLocation, private readonly localDir: string, private readonly log: Pick<Logger, 'warn'>) {
    this.container = containerClient(at);
    this.prefix = blobPrefix(at);
  }

  /** Where the job is, without any secret. */
  get name(): string {
    return describeBlob(this.at);
  }

  /** Downloads the job's record (and journal) into the local folder; false when the job has no record there. */
  async pull(files: readonly MirroredFile[] = ['job.json', 'journal.jsonl']): Promise<boolean> {
    for (const file of files) {
      try {
        await this.container.getBlobClient(`${this.prefix}${file}`).downloadToFile(join(this.localDir, file));
      } catch (e) {
        if ((e as RestError).statusCode !== 404) throw e;
        if (file === 'job.json') return false;
      }
    }
    return true;
  }

  /** Copies `file` (its content now, or newer) to Blob storage soon; flush() waits for it. */
  push(file: MirroredFile): void {
    this.pending.add(file);
    this.draining ??= this.drain();
  }

  /** Resolves once every copy asked for so far is in Blob storage (or has failed, with a warning). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Removes the job from Blob storage: its record, journal and chunks (a finished job, as its local folder goes). */
  async remove(): Promise<void> {
    await this.flush();
    for await (const b of this.container.listBlobsFlat({ prefix: this.prefix })) await this.container.deleteBlob(b.name, { deleteSnapshots: 'include' }).catch(() => {});
  }

  /** Removes what a succeeded job no longer needs (its chunks and journal), keeping its record and report. */
  async removeWork(): Promise<void> {
    await this.flush();
    const kept = new Set([`${this.prefix}job.json`, `${this.prefix}report.html`]);
    for await (const b of this.container.listBlobsFlat({ prefix: this.prefix })) if (!kept.has(b.name)) await this.container.deleteBlob(b.name).catch(() => {});
  }

  private async drain(): Promise<void> {
    try {
      for (let [file] = this.pending; file; [file] = this.pending) {
        this.pending.delete(file);
        const path = join(this.localDir, file);
        if (!existsSync(path)) continue;
        // the whole file as it is now (a journal is a line per chunk): a later change queues another copy
        const content = readFileSync(path);
        try {
          const contentType = file.endsWith('.html') ? 'text/html; charset=utf-8' : 'application/json';
          await this.container.getBlockBlobClient(`${this.prefix}${file}`).upload(content, content.length, { blobHTTPHeaders: { blobContentType: contentType } });
        } catch (e) {
          this.log.warn(`could not copy ${file} to ${this.name} (${(e as RestError).statusCode ?? (e as Error).name}); a resume from another machine may restyle chunks`);
        }
      }
    } finally {
      this.draining = undefined;
    }
  }
}

/** Fetches job `jobId`'s record and journal from a Blob --work-dir (`at`) into `localDir`; false when it has no such job. */
export async function pulledBlobJob(at: BlobLocation, jobId: string, localDir: string, log: Pick<Logger, 'warn'>): Promise<boolean> {
  mkdirSync(localDir, { recursive: true });
  return new BlobJobMirror(childLocation(at, jobId), localDir, log).pull();
}

/**
 * Before a resume with a Blob --work-dir (`at`): fetches job `jobId`'s record and journal from it into
 * `localDir` (its cache), so that the resume reads them as from a local folder. A job it lacks is a usage error.
 */
export async function pullBlobJob(at: BlobLocation, jobId: string, localDir: string, log: Pick<Logger, 'warn'>): Promise<void> {
  if (!/^[0-9a-f]{8}$/.test(jobId)) throw new UsageError(`--resume needs a job id like 1a2b3c4d, got "${jobId}"`);
  const name = describeBlob(childLocation(at, jobId));
  let found: boolean;
  try {
    found = await pulledBlobJob(at, jobId, localDir, log);
  } catch (e) {
    throw new UsageError(`no job ${jobId} to resume: ${name} cannot be read (${(e as RestError).statusCode ?? (e as Error).name})`);
  }
  if (!found) throw new UsageError(`no job ${jobId} to resume: ${name}/job.json is missing (check --work-dir)`);
}

/**
 * For `stylerun status` and `report`: job `jobId`'s record from a Blob --work-dir, into `localDir` (its cache),
 * unless the job runs on this machine (its coordinator.json is there, and the local record is the live one). The
 * journal is never fetched here: a running job's launcher appends to its own. False when there is no record.
 */
export async function fetchBlobRecord(at: BlobLocation, jobId: string, localDir: string, log: Pick<Logger, 'warn'>): Promise<boolean> {
  if (existsSync(join(localDir, 'coordinator.json'))) return true;
  const staging = mkdtempSync(join(tmpdir(), 'stylerun-record-'));
  try {
    if (!(await new BlobJobMirror(childLocation(at, jobId), staging, log).pull(['job.json']))) return false;
    mkdirSync(localDir, { recursive: true });
    writeWhole(join(localDir, 'job.json'), readFileSync(join(staging, 'job.json'), 'utf8'));
    return true;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
