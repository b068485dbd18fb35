import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx/graph-builder.js';
import { invertModel } from '../../scripts/onnx/test-models.js';

function writeModel(bytes: Uint8Array): string {
  const path = join(mkdtempSync(join(tmpdir(), 'stylerun-onnx-')), 'model.onnx');
  writeFileSync(path, bytes);
  return path;
}

describe('GraphBuilder', () => {
  it('writes an invert model that onnxruntime runs as 255 - x on a 2x3x5x7 batch', async () => {
    const session = await InferenceSession.create(writeModel(invertModel()));
    const dims = [2, 3, 5, 7];
    const data = Float32Array.from({ length: 2 * 3 * 5 * 7 }, (_, i) => (i * 37) % 256);
    const result = await session.run({ input: new Tensor('float32', data, dims) });
    const output = result.output!;
    expect(output.dims).toEqual(dims);
    expect(Array.from(output.data as Float32Array)).toEqual(Array.from(data, (v) => 255 - v));
    await session.release();
  });

  it('declares symbolic dims for string dims and fixed dims for numbers', async () => {
    const session = await InferenceSession.create(writeModel(invertModel()));
    const input = session.inputMetadata[0]!;
    expect(input.isTensor && input.shape).toEqual(['N', 3, 'H', 'W']);
    await session.release();
  });

  it('writes attributes that onnxruntime honours, such as Conv pads', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [1, 1, 'H', 'W']);
    const ones = g.constant('ones', [1, 1, 3, 3], new Float32Array(9).fill(1));
    g.output(g.node('Conv', [x, ones], { pads: [1, 1, 1, 1] }), 'y', [1, 1, 'H', 'W']);
    const session = await InferenceSession.create(writeModel(g.toModel()));
    const result = await session.run({ x: new Tensor('float32', new Float32Array(9).fill(1), [1, 1, 3, 3]) });
    expect(Array.from(result.y!.data as Float32Array)).toEqual([4, 6, 4, 6, 9, 6, 4, 6, 4]);
    await session.release();
  });

  it('refuses a node whose input was never declared', () => {
    const g = new GraphBuilder();
    expect(() => g.node('Relu', ['nowhere'])).toThrow(/unknown input value "nowhere"/);
  });
});
