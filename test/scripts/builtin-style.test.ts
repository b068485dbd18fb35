import { fileURLToPath } from 'node:url';
import { Tensor } from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelChecked, type CheckedModel } from '../../models/contract.js';

const modelPath = fileURLToPath(new URL('../../models/painterly-starry.onnx', import.meta.url));
let model: CheckedModel;

beforeAll(async () => {
  model = await loadModelChecked(modelPath);
});

afterAll(async () => {
  await model.session.release();
});

// A deterministic pseudo-random image in 0..255, so a failure reproduces.
function noiseImage(dims: readonly number[], seed = 7): Float32Array {
  let state = seed;
  return Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 255;
  });
}

// Soft shapes (a gradient with a bright square) rather than noise, the kind of picture a style is for.
function sceneImage(n: number, size: number): Float32Array {
  const data = new Float32Array(n * 3 * size * size);
  for (let i = 0; i < data.length; i++) {
    const x = i % size;
    const y = Math.floor(i / size) % size;
    const c = Math.floor(i / (size * size)) % 3;
    const inSquare = x > size / 4 && x < (3 * size) / 4 && y > size / 4 && y < (3 * size) / 4;
    data[i] = inSquare ? 230 - 40 * c : (x / size) * 120 + c * 30;
  }
  return data;
}

async function stylize(data: Float32Array, dims: number[]): Promise<Tensor> {
  const result = await model.session.run({ input: new Tensor('float32', data, dims) });
  return result.output as Tensor;
}

function expectStyled(input: Float32Array, output: Tensor, dims: number[]): void {
  const values = output.data as Float32Array;
  expect(output.dims).toEqual(dims);
  expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
  expect(Math.max(...values)).toBeLessThanOrEqual(255);
  expect(values.some((v, i) => Math.abs(v - input[i]!) > 1)).toBe(true);
  expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(10);
}

describe('the bundled painterly-starry style', () => {
  it('keeps the model contract as a dynamic-shape model named input/output', () => {
    expect(model.shape).toEqual({ kind: 'dynamic', inputName: 'input', outputName: 'output', multiple: 1, batch: 'dynamic' });
  });

  it('styles a 1x3x37x53 random image into the same shape, within 0..255, changed and not constant', async () => {
    const dims = [1, 3, 37, 53];
    const input = noiseImage(dims);
    expectStyled(input, await stylize(input, dims), dims);
  });

  it('styles a batch of two 64x64 images into a 2x3x64x64 output', async () => {
    const dims = [2, 3, 64, 64];
    const input = sceneImage(2, 64);
    expectStyled(input, await stylize(input, dims), dims);
  });

  it('runs on frames as small as 1x1 and with odd sizes such as 5x7', async () => {
    for (const dims of [
      [1, 3, 1, 1],
      [1, 3, 5, 7],
    ]) {
      const output = await stylize(noiseImage(dims), dims);
      expect(output.dims).toEqual(dims);
    }
  });
});
