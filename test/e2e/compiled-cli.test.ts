import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { compiledCliPath } from '../support/cli.js';
import { makeIndexedVideo, readIndices } from '../support/media.js';

// Every other e2e test runs the bundled CLI, as `npx stylerun` does after a build; this one runs the compiled
// modules, which is what runs where the bundle is missing or older than them (no esbuild, or `tsc` alone).
describe('the compiled CLI, where no bundle is current', () => {
  it('styles every frame exactly once, as the bundled one does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-compiled-'));
    const model = join(dir, 'invert.onnx');
    const input = join(dir, 'in.mp4');
    const output = join(dir, 'out.mp4');
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 30);
    const child = spawn(process.execPath, [compiledCliPath, '-n', '2', '--input', input, '--output', output, '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work'), '--chunk-frames', '8'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code, stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual([...Array(30).keys()]);
  }, 60_000);
});
