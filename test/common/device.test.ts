import { describe, expect, it } from 'vitest';
import { providerCandidates } from '../../common/device.js';

describe('the device choice', () => {
  it('tries CUDA, then WebGPU, then the CPU for --device auto, and only what was asked otherwise', () => {
    expect(providerCandidates('auto', true, true)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(providerCandidates('auto', false, false)).toEqual(['cpu']);
    expect(providerCandidates('webgpu', false, false)).toEqual(['webgpu']);
  });
});
