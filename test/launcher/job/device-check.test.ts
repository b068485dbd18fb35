import { describe, expect, it } from 'vitest';
import { checkDevice, cudaEnvironment } from '../../../launcher/job/device-check.js';

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

describe('the ranks’ CUDA environment', () => {
  const all = { folders: ['/opt/cuda/lib64', '/py/nvidia/cudnn/lib'], missing: [] };
  const gpu = { cuda: true, nvidiaGpu: true };

  it('puts the folders that hold the CUDA libraries first on the ranks’ library path', () => {
    expect(cudaEnvironment('cuda', gpu, () => all, '/usr/lib:/opt/cuda/lib64')).toEqual({ env: { LD_LIBRARY_PATH: '/opt/cuda/lib64:/py/nvidia/cudnn/lib:/usr/lib' } });
    expect(cudaEnvironment('auto', gpu, () => all, undefined).env.LD_LIBRARY_PATH).toBe('/opt/cuda/lib64:/py/nvidia/cudnn/lib');
  });

  it('leaves the ranks’ environment alone where they cannot run on CUDA', () => {
    expect(cudaEnvironment('cpu', gpu, () => all)).toEqual({ env: {} });
    expect(cudaEnvironment('webgpu', gpu, () => all)).toEqual({ env: {} });
    expect(cudaEnvironment('auto', { cuda: true, nvidiaGpu: false }, () => all)).toEqual({ env: {} });
    expect(cudaEnvironment('auto', { cuda: false, nvidiaGpu: true }, () => all)).toEqual({ env: {} });
    // and does not look for the libraries there at all
    const unused = () => {
      throw new Error('searched for CUDA libraries on a job that cannot use them');
    };
    expect(cudaEnvironment('cpu', gpu, unused)).toEqual({ env: {} });
  });

  it('refuses --device cuda in one line naming the missing libraries and STYLERUN_CUDA_LIBS', () => {
    const libs = { folders: ['/opt/cuda/lib64'], missing: ['libcudnn.so.9'] };
    expect(() => cudaEnvironment('cuda', gpu, () => libs)).toThrow(
      '--device cuda: the CUDA provider needs libcudnn.so.9, found in none of the usual folders; name the folders that hold them in STYLERUN_CUDA_LIBS (colon-separated)',
    );
  });

  it('only warns with auto, which falls back to WebGPU or the CPU', () => {
    const r = cudaEnvironment('auto', gpu, () => ({ folders: [], missing: ['libcudart.so.13'] }));
    expect(r.env).toEqual({});
    expect(r.warning).toMatch(/needs libcudart\.so\.13.*; ranks fall back to WebGPU or the CPU$/);
  });
});
