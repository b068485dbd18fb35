// A ChunkStore in a local (or shared network) directory: stage as a dot-file, rename into place.
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChunkStore } from './storage.js';

/** A chunk store in `dir`. */
export class LocalChunkStore implements ChunkStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
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

  /** Deletes staged files left by ranks that died mid-chunk. */
  removeStaged(): void {
    for (const name of readdirSync(this.dir)) if (name.startsWith('.staging-')) rmSync(join(this.dir, name), { force: true });
  }

  async remove(key: string): Promise<void> {
    await rm(join(this.dir, key), { force: true });
  }
}

/** Opens the chunk store a location string names (only local directories for now). */
export function openChunkStore(location: string): ChunkStore {
  return new LocalChunkStore(location);
}
