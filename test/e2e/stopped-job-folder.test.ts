import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, startCli } from '../support/cli.js';

// A rank can commit a chunk as its attempt is stopped, after the launcher has stopped listening for its
// report (test/e2e/no-space.test.ts met it on a full disk). Such a chunk is planted here while the job waits
// at a barrier it will never pass; the job must not leave it behind.
describe('a job that stops without finishing', () => {
  it('leaves only the chunks its journal vouches for, and no staged file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-stopped-'));
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const work = join(dir, 'work');
    const job = startCli(
      ['-n', '2', '--input', join(dataDir, 'video', 'stream-of-water.mp4'), '--output', join(dir, 'styled.mp4'), '--model', model, '--barrier-timeout', '3', '--work-dir', work],
      { cwd: dir, env: { STYLERUN_FAULT: 'rank=1,after=ready,action=hang' } },
    );
    let chunks: string | undefined;
    for (let i = 0; i < 200 && !chunks; i++) {
      const id = existsSync(work) ? readdirSync(work).find((n) => existsSync(join(work, n, 'chunks'))) : undefined;
      if (id) chunks = join(work, id, 'chunks');
      else await sleep(20);
    }
    expect(chunks, 'the job folder never appeared').toBeDefined();
    writeFileSync(join(chunks!, 'chunk-000000000-8.mp4'), 'committed as the attempt stopped');
    writeFileSync(join(chunks!, '.staging-1-chunk-000000008-8.mp4'), 'half written');
    const r = await job.done;
    expect(r.code, r.stderr).toBe(6);
    expect(r.stderr).toMatch(/barrier timed out/);
    const journal = join(chunks!, '..', 'journal.jsonl');
    const journaled = existsSync(journal) ? readFileSync(journal, 'utf8').split('\n').filter(Boolean) : [];
    expect(journaled).toEqual([]);
    expect(readdirSync(chunks!)).toEqual([]);
  });
});
