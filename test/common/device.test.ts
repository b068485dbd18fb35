import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { batchFor, gpuNodes, precisionOn, providerCandidates, type MachineFacts } from '../../common/device.js';

const everything: MachineFacts = { cuda: true, vulkan: true, nvidiaGpu: true, renderGpu: true };
const noGpu: MachineFacts = { cuda: true, vulkan: true, nvidiaGpu: false, renderGpu: false };

describe('the precision a model runs in', () => {
  it('converts to fp16 on CUDA and WebGPU only, and says why the CPU stays fp32', () => {
    expect(precisionOn('fp16', 'cuda')).toEqual({ precision: 'fp16' });
    expect(precisionOn('fp16', 'webgpu')).toEqual({ precision: 'fp16' });
    expect(precisionOn('fp16', 'cpu')).toEqual({ precision: 'fp32', reason: 'the cpu provider has no fp16 kernels, so the model runs in fp32' });
    expect(precisionOn('fp32', 'cuda')).toEqual({ precision: 'fp32' });
  });

  it('runs fp16 one frame per call, whatever --batch-size asks, and fp32 in the batches asked for', () => {
    expect(batchFor('fp16', 4)).toEqual({ batch: 1, reason: expect.stringContaining('one frame per inference call') });
    expect(batchFor('fp16', 1)).toEqual({ batch: 1 });
    expect(batchFor('fp32', 4)).toEqual({ batch: 4 });
    expect(batchFor('fp32', 0)).toEqual({ batch: 1 });
  });
});

describe('the device choice', () => {
  it('tries CUDA, then WebGPU, then the CPU for --device auto on a machine with an NVIDIA GPU', () => {
    expect(providerCandidates('auto', everything)).toEqual(['cuda', 'webgpu', 'cpu']);
  });

  it('goes straight to the CPU for --device auto where no GPU device node exists, even with a Vulkan loader (software adapter only)', () => {
    expect(providerCandidates('auto', noGpu)).toEqual(['cpu']);
  });

  it('tries WebGPU but not CUDA on a machine whose only GPU is a DRM render node (AMD, Intel)', () => {
    expect(providerCandidates('auto', { ...noGpu, renderGpu: true })).toEqual(['webgpu', 'cpu']);
  });

  it('tries only what was asked for an explicit --device', () => {
    expect(providerCandidates('webgpu', noGpu)).toEqual(['webgpu']);
    expect(providerCandidates('cuda', { ...noGpu, cuda: false })).toEqual(['cuda']);
  });
});

describe('gpuNodes', () => {
  it('finds NVIDIA nodes and hardware render nodes, and ignores the software ones', () => {
    const root = mkdtempSync(join(tmpdir(), 'stylerun-dev-'));
    const dev = join(root, 'dev');
    const sys = join(root, 'sys');
    mkdirSync(join(dev, 'dri'), { recursive: true });
    writeFileSync(join(dev, 'nvidiactl'), '');
    expect(gpuNodes(dev, sys)).toEqual({ nvidiaGpu: false, renderGpu: false });
    writeFileSync(join(dev, 'dri', 'renderD128'), '');
    mkdirSync(join(sys, 'renderD128', 'device'), { recursive: true });
    symlinkSync('../../bus/platform/drivers/vgem', join(sys, 'renderD128', 'device', 'driver'));
    expect(gpuNodes(dev, sys)).toEqual({ nvidiaGpu: false, renderGpu: false });
    writeFileSync(join(dev, 'dri', 'renderD129'), '');
    writeFileSync(join(dev, 'nvidia0'), '');
    expect(gpuNodes(dev, sys)).toEqual({ nvidiaGpu: true, renderGpu: true });
  });
});
