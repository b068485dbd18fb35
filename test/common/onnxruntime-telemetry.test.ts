import { describe, expect, it } from 'vitest';
import { quietOnnxruntime } from '../../common/onnxruntime-telemetry.js';

describe("onnxruntime's telemetry", () => {
  it('is turned off where the user said nothing', () => {
    const env: NodeJS.ProcessEnv = {};
    quietOnnxruntime(env);
    expect(env.ORT_DISABLE_TELEMETRY).toBe('1');
  });

  it("is left as the user set it, onnxruntime's default included", () => {
    const env: NodeJS.ProcessEnv = { ORT_DISABLE_TELEMETRY: '0' };
    quietOnnxruntime(env);
    expect(env.ORT_DISABLE_TELEMETRY).toBe('0');
  });
});
