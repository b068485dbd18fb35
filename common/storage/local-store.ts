// A ChunkStore in a local (or shared network) directory: stage as a dot-file, rename into place.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freeBytes } from '../free-space.js';
import type { ChunkRecord, ChunkStore } from './storage.js';
import { verifyChunk } from './verify-chunk.js';

/** A chunk store in `dir`. */
export class LocalChunkStore implements ChunkStore {
  readonly directory = true;

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get location(): string {
    return this.dir;
  }

  stagingPath(key: string): string {
    return join(this.dir, `.staging-${process.pid}-${key}`);
  }

  async commit(stagedPath: string, key: string): Promise<void> {
    await rename(stagedPath, join(this.dir, key));
  }

  readPath(key: string): string {
    return join(this.dir, key);
  }

  async list(): Promise<string[]> {
    return (await readdir(this.dir)).filter((n) => !n.startsWith('.'));
  }

  async verify(record: ChunkRecord): Promise<void> {
    await verifyChunk(this.readPath(record.key), record.sha256, record.count);
  }

  async removeStaged(): Promise<void> {
    for (const name of readdirSync(this.dir)) if (name.startsWith('.staging-')) rmSync(join(this.dir, name), { force: true });
  }

  freeBytes(): number | undefined {
    return freeBytes(this.dir);
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.dir, key), { force: true });
  }
}
