// The state of `stylerun watch` over a Blob container: the uploads it lists, and in the ops location (a
// container and prefix that uploaders need no access to) one record per upload: done/, failed/, parked/,
// logs/ (the launcher's and every rank's log of each run), and claims/, whose blob leases make sure that two watchers never run the same upload at once. A lease
// runs out unless renewed, so an upload whose watcher was killed is claimable again after `claimSeconds`.
import type { BlobLeaseClient, ContainerClient } from '@azure/storage-blob';
import { isRestStatus } from '../../common/storage/azure-sdk.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { blobPrefix, containerClient, sameContainer, type BlobLocation } from '../../common/storage/blob-location.js';
import type { Upload, UploadRecord } from './watch-decisions.js';
import type { Claim, WatchStore } from './watch-store.js';

/** The watch store of a Blob container. */
export class BlobWatchStore implements WatchStore {
  private readonly source: ContainerClient;
  private readonly ops: ContainerClient;

  constructor(
    private readonly sourceAt: BlobLocation,
    private readonly opsAt: BlobLocation,
    private readonly claimSeconds: number,
  ) {
    this.source = containerClient(sourceAt);
    this.ops = containerClient(opsAt);
  }

  /** Prefixes of the source container the watcher must not take as uploads (its own records, if they share it). */
  get ownPrefixes(): string[] {
    return sameContainer(this.sourceAt, this.opsAt) ? [this.opsPrefix] : [];
  }

  private get opsPrefix(): string {
    return blobPrefix(this.opsAt);
  }

  /** Every blob under the source's prefix. */
  async list(): Promise<Upload[]> {
    const out: Upload[] = [];
    for await (const b of this.source.listBlobsFlat({ prefix: this.sourceAt.blobName })) {
      out.push({ name: b.name, bytes: b.properties.contentLength ?? 0, modifiedMs: b.properties.lastModified.getTime() });
    }
    return out;
  }

  /** What the ops location records, by upload name. */
  async records(): Promise<Map<string, UploadRecord>> {
    const records = new Map<string, UploadRecord>();
    for (const kind of ['failed', 'done', 'parked'] as const) {
      const prefix = `${this.opsPrefix}${kind}/`;
      // with their metadata, which holds a failed record's count: no download per record
      for await (const b of this.ops.listBlobsFlat({ prefix, includeMetadata: true })) {
        if (!b.name.endsWith('.json')) continue;
        const name = b.name.slice(prefix.length, -'.json'.length);
        if (kind === 'failed') records.set(name, { kind, failures: Number(b.metadata?.failures ?? (await this.failures(b.name))) });
        else records.set(name, { kind });
      }
    }
    return records;
  }

  async recordOf(name: string): Promise<UploadRecord | undefined> {
    const record = (kind: string) => this.ops.getBlobClient(`${this.opsPrefix}${kind}/${name}.json`);
    // as in records(), done and parked outrank an earlier failure
    if (await record('done').exists()) return { kind: 'done' };
    if (await record('parked').exists()) return { kind: 'parked' };
    try {
      const failed = await record('failed').getProperties();
      return { kind: 'failed', failures: Number(failed.metadata?.failures ?? (await this.failures(`${this.opsPrefix}failed/${name}.json`))) };
    } catch (e) {
      if (isRestStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** Takes `name` for this watcher, or undefined when another holds it. */
  async claim(name: string): Promise<Claim | undefined> {
    const blob = this.ops.getBlockBlobClient(`${this.opsPrefix}claims/${name}`);
    try {
      await blob.upload('', 0, { conditions: { ifNoneMatch: '*' } });
    } catch (e) {
      if (!isRestStatus(e, 409) && !isRestStatus(e, 412)) throw e; // there already: someone claimed it before, now or once
    }
    const lease: BlobLeaseClient = blob.getBlobLeaseClient();
    try {
      await lease.acquireLease(this.claimSeconds);
    } catch (e) {
      if (isRestStatus(e, 409)) return undefined; // leased by another watcher
      throw e;
    }
    const lost = new AbortController();
    const renew = setInterval(() => {
      lease.renewLease().catch(() => {
        clearInterval(renew);
        lost.abort(new Error(`lost the claim on ${name}`));
      });
    }, (this.claimSeconds * 1000) / 3);
    return {
      lost: lost.signal,
      release: async () => {
        clearInterval(renew);
        await lease.releaseLease().catch(() => {}); // an expired lease is released already
      },
    };
  }

  async markDone(name: string, record: Record<string, unknown>): Promise<void> {
    await this.writeRecord('done', name, record);
  }

  async recordFailure(name: string, failures: number, error: string): Promise<void> {
    await this.writeRecord('failed', name, { failures, error }, { failures: String(failures) });
  }

  /** Moves the upload aside (to the ops location's parked/), with why, so that it never blocks the others. */
  async park(name: string, why: Record<string, unknown>): Promise<void> {
    const from = this.source.getBlobClient(name);
    const to = this.ops.getBlockBlobClient(`${this.opsPrefix}parked/${name}`);
    await to.syncUploadFromURL(from.url).catch(async () => {
      // a copy by URL needs the source readable by the service: else through this process, streamed
      const body = (await from.download()).readableStreamBody!;
      await to.uploadStream(body as Readable);
    });
    await this.writeRecord('parked', name, why);
    await from.deleteIfExists();
  }

  /** Keeps the files of `dir` (the job's launcher log, each rank's log) under logs/NAME/RUN/, success or not. */
  async keepLogs(name: string, run: string, dir: string): Promise<void> {
    for (const file of readdirSync(dir)) {
      await this.ops.getBlockBlobClient(`${this.opsPrefix}logs/${name}/${run}/${file}`).uploadFile(join(dir, file), { blobHTTPHeaders: { blobContentType: 'text/plain' } });
    }
  }

  private async failures(recordName: string): Promise<number> {
    const text = (await this.ops.getBlobClient(recordName).downloadToBuffer()).toString();
    return Number((JSON.parse(text) as { failures?: number }).failures ?? 0);
  }

  private async writeRecord(kind: string, name: string, record: Record<string, unknown>, metadata?: Record<string, string>): Promise<void> {
    const body = JSON.stringify({ upload: name, at: new Date().toISOString(), ...record }, null, 1);
    await this.ops.getBlockBlobClient(`${this.opsPrefix}${kind}/${name}.json`).upload(body, Buffer.byteLength(body), {
      metadata, blobHTTPHeaders: { blobContentType: 'application/json' },
    });
  }
}
