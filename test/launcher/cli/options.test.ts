import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../common/paths.js';
import { bundledModels, defaultModel, resolveModel } from '../../../launcher/cli/options.js';

// needs `npm run build`, as the whole suite does: matta is made by the build
describe('bundled model names', () => {
  it('resolve matta, the default, to the model the build made from its ml5 checkpoint', () => {
    expect(defaultModel).toBe('matta');
    expect(resolveModel(undefined)).toBe(join(packageRoot(), 'dist', 'models', 'matta.onnx'));
  });

  it('resolve the procedural styles to the committed models', () => {
    expect(resolveModel('painterly-wave')).toBe(join(packageRoot(), 'models', 'painterly-wave.onnx'));
  });

  it('list the built and the committed styles together', () => {
    expect(bundledModels()).toEqual(['matta', 'painterly-starry', 'painterly-wave']);
  });
});
