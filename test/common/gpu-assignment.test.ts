import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { gpuForRank, nvidiaGpuIndices, parseGpuList } from '../../common/gpu-assignment.js';

describe('which GPU a rank takes', () => {
  it('gives local rank i GPU i mod G, one rank per GPU by default', () => {
    expect([0, 1, 2, 3, 4, 5].map((i) => gpuForRank(i, [0, 1, 2, 3]))).toEqual([0, 1, 2, 3, 0, 1]);
  });

  it('keeps to the GPUs --gpus names, in their order', () => {
    expect([0, 1, 2].map((i) => gpuForRank(i, [2, 5]))).toEqual([2, 5, 2]);
  });

  it('puts K consecutive local ranks on one GPU with --ranks-per-gpu K', () => {
    expect([0, 1, 2, 3, 4].map((i) => gpuForRank(i, [0, 1], 2))).toEqual([0, 0, 1, 1, 0]);
  });

  it('has no GPU to give on a machine without one', () => {
    expect(gpuForRank(0, [])).toBeUndefined();
  });
});

describe('GPU lists', () => {
  it('reads indices separated by commas, once each', () => {
    expect(parseGpuList('0, 2,2')).toEqual([0, 2]);
    expect(parseGpuList(undefined)).toBeUndefined();
    expect(parseGpuList(' ')).toBeUndefined();
  });

  it('refuses anything else', () => {
    expect(() => parseGpuList('0,gpu1')).toThrow('a GPU list is indices separated by commas');
  });

  it('finds this machine’s NVIDIA GPUs by their device nodes, not the control nodes', () => {
    const dev = mkdtempSync(join(tmpdir(), 'stylerun-gpus-'));
    for (const n of ['nvidia1', 'nvidia0', 'nvidiactl', 'nvidia-uvm', 'nvidia10']) writeFileSync(join(dev, n), '');
    mkdirSync(join(dev, 'nvidia-caps'));
    expect(nvidiaGpuIndices(dev)).toEqual([0, 1, 10]);
    expect(nvidiaGpuIndices(join(dev, 'missing'))).toEqual([]);
  });
});
