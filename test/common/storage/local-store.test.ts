import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256File } from '../../../common/checksums.js';
import { ffmpegPath } from '../../../common/ffmpeg/binaries.js';
import { runTool } from '../../../common/ffmpeg/run.js';
import { openChunkStore } from '../../../common/storage/open-store.js';

describe('a local chunk store, through the ChunkStore interface', () => {
  it('stages, commits, verifies, lists, reads and removes a chunk, and sweeps staged leftovers', async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'stylerun-store-')), 'chunks');
    const store = openChunkStore(dir);
    expect(store.location).toBe(dir);
    const key = 'chunk-000000000-2.nut';
    const staged = store.stagingPath(key);
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=16x16:rate=25', '-frames:v', '2', '-c:v', 'ffv1', '-f', 'nut', staged]);
    expect(await store.list()).toEqual([]); // a staged chunk is not visible
    const sha256 = await sha256File(staged);
    await store.commit(staged, key, sha256);
    expect(await store.list()).toEqual([key]);
    await expect(store.verify({ start: 0, count: 2, key, sha256 })).resolves.toBeUndefined();
    await expect(store.verify({ start: 0, count: 3, key, sha256 })).rejects.toMatchObject({ code: 'CHUNK_REJECTED', reason: 'frame-count' });
    expect(existsSync(store.readPath(key))).toBe(true);
    writeFileSync(store.stagingPath('chunk-000000002-2.nut'), 'half written');
    await store.removeStaged();
    await store.remove(key);
    expect(await store.list()).toEqual([]);
    expect(store.freeBytes()).toBeGreaterThan(0);
  });
});
