import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { alive, dataDir, rankPids, runCli } from '../support/cli.js';

describe('the barrier', () => {
  it('times out with exit code 6 naming the rank that never became ready, and stops the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-barrier-'));
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const outDir = mkdtempSync(join(dir, 'out-'));
    const r = await runCli(
      ['-n', '3', '--input', join(dataDir, 'video', 'stream-of-water.mp4'), '--output', join(outDir, 'styled.mp4'), '--model', model, '--barrier-timeout', '2', '--work-dir', join(dir, 'work')],
      { cwd: dir, env: { STYLERUN_FAULT: 'rank=1,after=ready,action=hang' } },
    );
    expect(r.code).toBe(6);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^stylerun: error: barrier timed out after 2000 ms \(joined but not ready: rank 1\)$/);
    expect(r.stderr).not.toMatch(/attempt 2/); // a barrier timeout is not rerun: it would recur
    expect(readdirSync(outDir)).toEqual([]);
    const ready = rankPids(r.stderr);
    expect(ready).toHaveLength(2);
    expect(ready.filter(alive)).toEqual([]);
  });
});
