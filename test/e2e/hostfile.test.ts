import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, runCli } from '../support/cli.js';
import { frameHashes, streamFacts } from '../support/media.js';

describe('a hostfile that names only this machine', () => {
  it.each([
    ['Open MPI', 'localhost slots=2\n# this machine again, by address\n127.0.0.1 slots=1\n', ['hosts.txt']],
    ['MPICH', 'localhost:3\n', ['--hostfile', 'hosts.txt']],
    ['mpirun --host, --map-by node', '', ['--host', 'localhost:2,127.0.0.1', '--map-by', 'node']],
  ])('runs every rank locally (%s syntax)', async (_name, text, hostArgs) => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-hosts-'));
    writeFileSync(join(dir, 'invert.onnx'), invertModel());
    writeFileSync(join(dir, 'hosts.txt'), text);
    const input = join(dataDir, 'video', 'stream-of-water.mp4');
    const output = join(dir, 'out.mp4');
    const r = await runCli(['-n', '3', ...hostArgs, '--input', input, '--output', output, '--model', 'invert.onnx'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/frames 90, ranks 3/);
    expect((await streamFacts(output)).frames).toBe(90);
    expect((await frameHashes(output)).length).toBeGreaterThan(90); // video and audio frames came through
  });
});

describe('--host', () => {
  it('refuses a bad entry in one line naming its position, with exit code 2', async () => {
    const r = await runCli(['-n', '2', '--host', 'localhost:2,node2:x', '--input', 'a.mp4', '--output', 'b.mp4']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toBe("stylerun: error: --host:2: bad slots value 'x' (expected a positive integer)");
  });

  it('refuses a hostfile and --host together', async () => {
    const r = await runCli(['-n', '2', 'hosts.txt', '--host', 'localhost:2', '--input', 'a.mp4', '--output', 'b.mp4']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/give either a hostfile or --host, not both/);
  });
});
