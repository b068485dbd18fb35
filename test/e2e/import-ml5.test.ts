import { existsSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const matta = fileURLToPath(new URL('../../models/ml5-matta', import.meta.url));

describe('stylerun models import-ml5', () => {
  it('writes an ONNX model from the matta checkpoint and says where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-import-'));
    const output = join(dir, 'matta.onnx');
    const r = await runCli(['models', 'import-ml5', matta, '--output', output], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`${output}: ${statSync(output).size} bytes`);
    expect(readdirSync(dir)).toEqual(['matta.onnx']); // no temporary file left beside it
  });

  it('refuses a folder that is not a checkpoint with exit code 4 and one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-import-'));
    const r = await runCli(['models', 'import-ml5', dir, '--output', join(dir, 'x.onnx')], { cwd: dir });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^stylerun: error: ml5 checkpoint .* has no readable manifest\.json \(ENOENT\)\n$/);
    expect(existsSync(join(dir, 'x.onnx'))).toBe(false);
  });

  it('refuses an output in a folder that does not exist with exit code 5', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-import-'));
    const r = await runCli(['models', 'import-ml5', matta, '--output', join(dir, 'no-such-dir', 'x.onnx')], { cwd: dir });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^stylerun: error: cannot write .*x\.onnx: folder .*no-such-dir does not exist\n$/);
  });
});
