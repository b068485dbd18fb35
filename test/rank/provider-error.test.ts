import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../rank/provider-error.js';
import { ModelContractError } from '../../models/errors.js';

describe('ProviderError', () => {
  it('names the providers tried and the first line of the last one\'s failure, which it keeps as cause', () => {
    const last = new Error('no adapter found\nat dawn.cc:12');
    const error = new ProviderError(['webgpu'], last);
    expect(error).toMatchObject({ code: 'NO_PROVIDER', tried: ['webgpu'], cause: last });
    expect(error.message).toBe('no execution provider could load the model (tried webgpu): no adapter found');
  });
});

describe('ProviderError from a model load that failed on the provider', () => {
  it('gives onnxruntime’s words about the provider, not the model advice meant for a CPU load failure', () => {
    const ort = new Error('/onnxruntime_src/onnxruntime/core/providers/webgpu/webgpu_context.cc:100 onnxruntime::webgpu::WebGpuContext::Initialize() Failed to get a WebGPU adapter: No supported adapters');
    const load = new ModelContractError('unloadable', 'm.onnx cannot be loaded by onnxruntime: Failed to get a WebGPU adapter: No supported adapters; re-export it with opset 17 or older and standard ops', { modelPath: 'm.onnx', cause: ort });
    const error = new ProviderError(['webgpu'], load);
    expect(error.message).toBe('no execution provider could load the model (tried webgpu): Failed to get a WebGPU adapter: No supported adapters');
  });
});
