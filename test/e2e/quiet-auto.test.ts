import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuNodes, vulkanInstalled } from '../../common/device.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-quiet-'));
const { nvidiaGpu, renderGpu } = gpuNodes();

// CI machines have no GPU (and, with Debian's ffmpeg installed, Mesa's software Vulkan driver)
describe.skipIf(nvidiaGpu || renderGpu)('--device auto on a machine without a GPU', () => {
  it('runs on the CPU without probing WebGPU, and prints no line with "error" in it', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const input = join(dir, 'in.mp4');
    await makeIndexedVideo(input, 20);
    const r = await runCli(['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rank 0 ready pid=\d+ ep=cpu/);
    expect(r.stderr.split('\n').filter((l) => /error/i.test(l))).toEqual([]);
    if (vulkanInstalled()) expect(r.stderr).not.toContain('Vulkan'); // the loader is there, but no adapter was probed
  });
});
