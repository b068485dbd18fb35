import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { resolveEntry } from '../../launcher/spawn/entry.js';

// A rank started ahead of its job, or over ssh, reads its rank, environment and token from stdin
// (common/rank-bootstrap.ts). One whose launcher gave it nothing, or something else, says so on one line and
// exits 2 without waiting for a coordinator.
function rankWithStdin(input: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, STYLERUN_BOOTSTRAP: 'stdin' };
  return spawnSync(process.execPath, [resolveEntry()], { env, input, encoding: 'utf8', timeout: 20_000 });
}

describe('a rank reading its bootstrap on stdin', () => {
  it('exits 2 with one line when stdin closes empty (its launcher ended or had no job for it)', () => {
    const r = rankWithStdin('');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('stylerun rank: no bootstrap on stdin: the launcher gave this rank no job\n');
  });

  it('exits 2 with one line when the line is not a bootstrap', () => {
    const r = rankWithStdin('{"rank":1}\n');
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('stylerun rank: the bootstrap on stdin is not {env, jobToken}\n');
  });
});
