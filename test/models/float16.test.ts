import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { float } from '../../models/onnx/attributes.js';
import { toFloat16 } from '../../models/onnx/float16.js';
import { GraphBuilder } from '../../models/onnx/graph-builder.js';
import { splitFields, stringField, varintValue } from '../../models/onnx/wire.js';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { packageRoot } from '../../common/paths.js';
import { dataDir } from '../support/cli.js';

const image = ['N', 3, 'H', 'W'] as const;

/** The element types a model's float data is stored or cast in: initializers, Constant tensors, Cast targets. */
function floatTypes(model: Uint8Array): { initializers: number[]; constants: number[]; castsTo: number[] } {
  const graph = splitFields(splitFields(model).find((f) => f.number === 7)!.payload);
  const typeOf = (tensor: Uint8Array) => varintValue(splitFields(tensor).find((f) => f.number === 2)!);
  const out = { initializers: [] as number[], constants: [] as number[], castsTo: [] as number[] };
  for (const f of graph) {
    if (f.number === 5) out.initializers.push(typeOf(f.payload));
    if (f.number !== 1) continue;
    const op = stringField(f.payload, 4);
    for (const a of splitFields(f.payload).filter((x) => x.number === 5)) {
      const fields = splitFields(a.payload);
      const t = fields.find((x) => x.number === 5);
      if (op === 'Constant' && t) out.constants.push(typeOf(t.payload));
      if (op === 'Cast') out.castsTo.push(varintValue(fields.find((x) => x.number === 3)!));
    }
  }
  return out;
}

/** Every way float32 enters a graph that the conversion must see: value_float(s), ConstantOfShape's default, Cast, Resize's scales. */
function everyFloatSource(): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', image);
  const half = g.node('Constant', [], { value_float: float(0.5) });
  const offsets = g.node('Reshape', [g.node('Constant', [], { value_floats: float([1, 2, 3]) }), g.int64s([1, 3, 1, 1])]);
  const zeros = g.node('ConstantOfShape', [g.node('Shape', [x])]);
  const sum = g.node('Add', [g.node('Add', [g.node('Mul', [x, half]), offsets]), zeros]);
  const truncated = g.node('Cast', [g.node('Cast', [sum], { to: 6 })], { to: 1 });
  const doubled = g.node('Resize', [truncated, '', g.constant('scales', [4], Float32Array.of(1, 1, 2, 2))], { mode: 'nearest' });
  g.output(g.node('AveragePool', [doubled], { kernel_shape: [2, 2], strides: [2, 2] }), 'output', image);
  return g.toModel();
}

async function run(model: Uint8Array, input: Float32Array, dims: number[]): Promise<Float32Array> {
  const session = await InferenceSession.create(model);
  const result = await session.run({ [session.inputNames[0]!]: new Tensor('float32', input, dims) });
  const out = result[session.outputNames[0]!]!;
  expect(out.type).toBe('float32'); // the model's outputs stay float32, so no frame path changes
  await session.release();
  return out.data as Float32Array;
}

/** PSNR of two outputs after clipping to 0..255, as the frame paths clip. */
function psnr(a: Float32Array, b: Float32Array): number {
  const clip = (v: number) => Math.min(255, Math.max(0, v));
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (clip(a[i]!) - clip(b[i]!)) ** 2;
  return se === 0 ? Infinity : 10 * Math.log10((255 * 255) / (se / a.length));
}

/** A real picture (a painting from the test data, scaled by ffmpeg) as float32 NCHW 0..255, w x h. */
function painting(w: number, h: number): Float32Array {
  const jpeg = join(dataDir, 'styles', 'great-wave.jpg');
  const rgb = execFileSync(ffmpegPath(), ['-v', 'error', '-i', jpeg, '-vf', `scale=${w}:${h}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const out = new Float32Array(3 * w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) out[c * w * h + y * w + x] = rgb[(y * w + x) * 3 + c]!;
  return out;
}

describe('the fp16 conversion', () => {
  it('turns every float32 constant, weight and cast into fp16 and keeps the float32 inputs and outputs', () => {
    const converted = toFloat16(everyFloatSource());
    if (!converted.ok) throw new Error(converted.reason);
    const types = floatTypes(converted.model);
    expect(types.initializers.filter((t) => t === 1)).toEqual([]);
    expect(types.constants).toEqual([10, 10]);
    // inside: int32 then fp16; around: input to fp16, Resize's scales back to float32, the output to float32
    expect(types.castsTo.sort()).toEqual([1, 1, 10, 10, 6].sort());
  });

  it('gives what the float32 graph gives where fp16 holds the values exactly', async () => {
    const model = everyFloatSource();
    const converted = toFloat16(model);
    if (!converted.ok) throw new Error(converted.reason);
    const input = Float32Array.from({ length: 2 * 3 * 4 * 6 }, (_, i) => (i * 53) % 256);
    const dims = [2, 3, 4, 6];
    const expected = await run(model, input, dims);
    expect([...(await run(converted.model, input, dims))]).toEqual([...expected]);
    expect(expected[1]).toBe(Math.trunc(53 * 0.5 + 1)); // the graph does what it says: trunc(x/2 + channel + 1)
  });

  for (const [name, path] of [
    ['matta (the built-in trained network)', join(packageRoot(), 'dist', 'models', 'matta.onnx')],
    ['mobile-style (Constants, ConstantOfShape, Cast, Resize)', join(dataDir, 'models', 'mobile-style.onnx')],
    ['painterly-starry', join(packageRoot(), 'models', 'painterly-starry.onnx')],
  ] as const) {
    it(`keeps ${name} within 40 dB PSNR of float32 on a real picture`, async () => {
      const model = readFileSync(path);
      const converted = toFloat16(model);
      if (!converted.ok) throw new Error(converted.reason);
      const [w, h] = [96, 64];
      const picture = painting(w, h);
      const db = psnr(await run(model, picture, [1, 3, h, w]), await run(converted.model, picture, [1, 3, h, w]));
      expect(db).toBeGreaterThan(40);
      expect(db).toBeLessThan(Infinity); // it did change the arithmetic
      expect(floatTypes(converted.model).initializers.filter((t) => t === 1)).toEqual([]);
      if (name.startsWith('matta')) expect(converted.model.length).toBeLessThan(0.55 * model.length); // 6.7 MB of weights halve
    });
  }

  it('refuses, with the reason, a graph whose float32 comes from an attribute or an unknown domain', () => {
    const random = new GraphBuilder();
    const x = random.input('input', image);
    random.output(random.node('Add', [x, random.node('RandomNormalLike', [x])]), 'output', image);
    expect(toFloat16(random.toModel())).toEqual({ ok: false, reason: 'RandomNormalLike makes float32 from an attribute' });
    expect(toFloat16(Uint8Array.of(1, 2, 3))).toMatchObject({ ok: false, reason: expect.stringContaining('not a readable ModelProto') });
  });
});
