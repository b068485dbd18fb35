// A ChunkStore in Blob storage (--work-dir is a Blob location): chunks are blobs under the job's prefix.
// Ranks upload their chunks themselves, each to a URL with a SAS for that one blob that the launcher makes
// (writeUrl); a blob becomes visible only when its block list is committed, so a half-sent chunk is never
// seen. The launcher verifies a chunk by downloading it into a local cache, which the gather then reads:
// what is joined is exactly what was verified.
import type { ContainerClient, RestError } from '@azure/storage-blob';
import { azureBlob } from './azure-sdk.js';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freeBytes } from '../free-space.js';
import { blobPrefix, canSignSas, containerClient, describeBlob, type BlobLocation } from './blob-location.js';
import { ChunkRejectedError } from './chunk-rejected-error.js';
import type { ChunkRecord, ChunkStore } from './storage.js';
import { verifyChunk } from './verify-chunk.js';

/** How long a rank's write SAS for one chunk lasts: enough to upload a chunk over a slow link, no more. */
export const chunkSasMs = 30 * 60_000;
/** Blocks of a chunk upload, and how many go at once. */
export const chunkUploadOptions = { blockSize: 4 * 1024 * 1024, concurrency: 4 };

/** Chunks under `at` (the job's chunks prefix), cached in `cacheDir` once verified. */
export class BlobChunkStore implements ChunkStore {
  readonly directory = false;
  /** Only an account key can sign a SAS: with the user's own SAS, ranks' chunks come through the launcher. */
  readonly writeUrl?: (key: string) => Promise<string>;
  private readonly container: ContainerClient;
  private readonly prefix: string;

  constructor(private readonly at: BlobLocation, readonly cacheDir: string) {
    this.container = containerClient(at);
    this.prefix = blobPrefix(at);
    mkdirSync(cacheDir, { recursive: true });
    if (canSignSas(at)) this.writeUrl = (key) => this.chunkSasUrl(key);
  }

  /** The prefix's URL, without any secret. */
  get location(): string {
    return describeBlob(this.at);
  }

  /** A URL that may create or overwrite the blob of chunk `key`, and nothing else, for chunkSasMs. A secret. */
  private async chunkSasUrl(key: string): Promise<string> {
    // a clock a little behind the service's must not make the token "not yet valid"
    const now = Date.now();
    return this.blob(key).generateSasUrl({ permissions: azureBlob().BlobSASPermissions.parse('cw'), startsOn: new Date(now - 5 * 60_000), expiresOn: new Date(now + chunkSasMs) });
  }

  stagingPath(key: string): string {
    return join(this.cacheDir, `.staging-${process.pid}-${key}`);
  }

  /** A chunk that came through the launcher (PutChunk): uploaded, and kept in the cache. */
  async commit(stagedPath: string, key: string): Promise<void> {
    await this.blob(key).uploadFile(stagedPath, chunkUploadOptions);
    await rename(stagedPath, this.readPath(key));
  }

  /** The cached copy: verify() puts it there, and only a verified chunk is read. */
  readPath(key: string): string {
    return join(this.cacheDir, key);
  }

  async list(): Promise<string[]> {
    const keys: string[] = [];
    for await (const b of this.container.listBlobsFlat({ prefix: this.prefix })) keys.push(b.name.slice(this.prefix.length));
    return keys;
  }

  async verify(record: ChunkRecord): Promise<void> {
    const cached = this.readPath(record.key);
    try {
      // a chunk that came through the launcher is cached already, and its cached bytes are the blob's
      await verifyChunk(cached, record.sha256, record.count);
      return;
    } catch {
      // not cached, or an earlier attempt's copy: fetch what the blob holds now
    }
    const downloading = join(this.cacheDir, `.download-${record.key}`);
    try {
      await this.blob(record.key).downloadToFile(downloading);
    } catch (e) {
      rmSync(downloading, { force: true });
      if ((e as RestError).statusCode === 404) throw new ChunkRejectedError(record.key, 'missing', `chunk ${record.key} is not in ${this.location}`, { cause: e });
      throw e;
    }
    await rename(downloading, cached);
    await verifyChunk(cached, record.sha256, record.count);
  }

  async remove(key: string): Promise<void> {
    await this.blob(key).deleteIfExists();
    await rm(this.readPath(key), { force: true });
  }

  async removeStaged(): Promise<void> {
    // blocks staged by a rank that died mid-upload were never committed: the service drops them itself
    for (const name of readdirSync(this.cacheDir)) if (name.startsWith('.')) rmSync(join(this.cacheDir, name), { force: true });
  }

  /** Room in the local cache, where every chunk is downloaded before the gather. */
  freeBytes(): number | undefined {
    return freeBytes(this.cacheDir);
  }

  private blob(key: string) {
    return this.container.getBlockBlobClient(`${this.prefix}${key}`);
  }
}
