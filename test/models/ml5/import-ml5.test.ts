import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModelChecked } from '../../../models/contract.js';
import { Ml5CheckpointError } from '../../../models/ml5/checkpoint-error.js';
import { importMl5 } from '../../../models/ml5/import-ml5.js';
import { ModelProto } from '../../../models/onnx/onnx-proto.js';
import { readVariables, referenceStyle } from './reference-net.js';

const matta = fileURLToPath(new URL('../../../models/ml5-matta', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'stylerun-ml5-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the matta checkpoint whose manifest or files a test may break. */
function checkpointCopy(name: string): string {
  const copy = join(dir, name);
  cpSync(matta, copy, { recursive: true });
  return copy;
}

function importError(checkpoint: string): Ml5CheckpointError {
  let error: unknown;
  try {
    importMl5(checkpoint);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Ml5CheckpointError);
  expect((error as Error).message).not.toContain('\n');
  return error as Ml5CheckpointError;
}

describe('importing an ml5 fast-style checkpoint', () => {
  it('writes every transposed conv with symmetric pads, which onnxruntime’s CUDA provider runs (it drops asymmetric ones to the CPU)', () => {
    const model = ModelProto.toObject(ModelProto.decode(importMl5(matta)), { longs: Number }) as {
      graph: { node: Array<{ op_type: string; attribute?: Array<{ name: string; ints?: number[] }> }> };
    };
    const transposed = model.graph.node.filter((n) => n.op_type === 'ConvTranspose');
    expect(transposed).toHaveLength(2);
    for (const node of transposed) {
      const pads = node.attribute?.find((a) => a.name === 'pads')?.ints ?? [0, 0, 0, 0];
      expect(pads.slice(0, 2)).toEqual(pads.slice(2));
    }
    expect(model.graph.node.filter((n) => n.op_type === 'Slice')).toHaveLength(2);
  });

  it('gives the same image as the network computed op by op from the format, within 0.01 of 0..255', async () => {
    const modelPath = join(dir, 'matta.onnx');
    writeFileSync(modelPath, importMl5(matta));
    const [n, h, w] = [2, 8, 12];
    // two different images in one batch: instance norm must keep them apart
    const input = Float32Array.from({ length: n * 3 * h * w }, (_, i) => (Math.sin(i * 0.37) * 0.5 + 0.5) * 255 * (i < 3 * h * w ? 1 : 0.6));
    const session = await InferenceSession.create(modelPath, { executionProviders: ['cpu'] });
    const result = await session.run({ input: new Tensor('float32', input, [n, 3, h, w]) });
    await session.release();
    const output = result.output!;
    expect(output.dims).toEqual([n, 3, h, w]);
    const got = output.data as Float32Array;

    const vars = readVariables(matta);
    let maxDiff = 0;
    let spread = 0;
    for (let b = 0; b < n; b++) {
      const size = 3 * h * w;
      const image = { c: 3, h, w, data: Float64Array.from(input.subarray(b * size, (b + 1) * size)) };
      const expected = referenceStyle(vars, image).data;
      expected.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - got[b * size + i]!))));
      spread = Math.max(spread, Math.max(...expected) - Math.min(...expected));
    }
    expect(maxDiff).toBeLessThan(1e-2);
    expect(spread).toBeGreaterThan(50); // a real picture, not a flat colour that anything would match
  });

  it('keeps the model contract with dynamic H and W and metadata stylerun.multiple = 4', async () => {
    const modelPath = join(dir, 'contract.onnx');
    writeFileSync(modelPath, importMl5(matta));
    const { session, shape } = await loadModelChecked(modelPath, { executionProviders: ['cpu'] });
    await session.release();
    expect(shape).toEqual({ kind: 'dynamic', inputName: 'input', outputName: 'output', multiple: 4, batch: 'dynamic' });
  });

  it('names the variable whose file is missing', () => {
    const checkpoint = checkpointCopy('missing-file');
    rmSync(join(checkpoint, 'Variable_17'));
    const e = importError(checkpoint);
    expect(e.problem).toBe('missing-file');
    expect(e.variable).toBe('Variable_17');
    expect(e.message).toMatch(/Variable_17's file Variable_17 cannot be read \(ENOENT\)/);
  });

  it('names the variable whose manifest shape does not fit TransformerNet, and the shape it needs', () => {
    const checkpoint = checkpointCopy('wrong-shape');
    const manifestPath = join(checkpoint, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, { shape: number[] }>;
    manifest.Variable_3!.shape = [3, 3, 16, 64];
    writeFileSync(manifestPath, JSON.stringify(manifest));
    const e = importError(checkpoint);
    expect(e.problem).toBe('wrong-shape');
    expect(e.message).toMatch(/Variable_3 has shape \[3,3,16,64\] in manifest\.json, but layer 2 \(conv 3x3 stride 2\) needs \[3,3,32,64\]/);
  });

  it('refuses a file that does not hold shape-many float32 values', () => {
    const checkpoint = checkpointCopy('short-file');
    writeFileSync(join(checkpoint, 'Variable_46'), new Uint8Array(8));
    const e = importError(checkpoint);
    expect(e.problem).toBe('wrong-size');
    expect(e.message).toMatch(/Variable_46's file Variable_46 has 8 bytes, but shape \[3\] needs 12/);
  });

  it('refuses a manifest that does not list every variable', () => {
    const checkpoint = checkpointCopy('unlisted');
    const manifestPath = join(checkpoint, 'manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
    delete manifest.Variable_47;
    writeFileSync(manifestPath, JSON.stringify(manifest));
    expect(importError(checkpoint).problem).toBe('missing-variable');
  });

  it('refuses a folder without manifest.json, and a path that is not a folder', () => {
    expect(importError(dir).problem).toBe('no-manifest');
    expect(importError(join(dir, 'no-such-checkpoint')).problem).toBe('no-folder');
  });
});
