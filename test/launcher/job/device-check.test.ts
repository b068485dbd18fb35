import { describe, expect, it } from 'vitest';
import { checkDevice } from '../../../launcher/job/device-check.js';

describe('the device check', () => {
  it('refuses --device cuda without the CUDA provider, naming both ways to install it', () => {
    let error: unknown;
    try {
      checkDevice('cuda', false);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'NO_CUDA_PROVIDER', exitCode: 2 });
    expect((error as Error).message).toContain('--onnxruntime-node-install=cuda12');
    expect((error as Error).message).toContain('libonnxruntime_providers_cuda.so');
  });

  it('lets auto, cpu and webgpu through, and cuda where the provider is installed', () => {
    for (const d of ['auto', 'cpu', 'webgpu'] as const) expect(() => checkDevice(d, false)).not.toThrow();
    expect(() => checkDevice('cuda', true)).not.toThrow();
  });
});
