import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { NodeProto } from '../../models/onnx/onnx-proto.js';
import { splitFields, stringField, type WireField } from '../../models/onnx/wire.js';
import { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT, type WrapSpec } from '../../models/onnx/wrap-model.js';
import { GraphBuilder } from '../../models/onnx/graph-builder.js';
import { affineModel, blurModel, invertModel, nanModel } from '../../scripts/onnx/test-models.js';
import { dataDir } from '../support/cli.js';

const spec = (width: number, height: number, multiple = 1): WrapSpec => ({
  inputName: 'input', outputName: 'output', width, height, multiple, batch: 'dynamic',
});

/** n frames of packed RGB with every byte value present and no two neighbours alike. */
function frames(n: number, width: number, height: number): Uint8Array {
  return Uint8Array.from({ length: n * width * height * 3 }, (_, i) => (i * 97 + 13) % 256);
}

async function runWrapped(model: Uint8Array, s: WrapSpec, input: Uint8Array): Promise<Uint8Array> {
  const wrapped = wrapModel(model, s);
  if (!wrapped.ok) throw new Error(wrapped.reason);
  const session = await InferenceSession.create(wrapped.model);
  const n = input.length / (s.width * s.height * 3);
  const out = (await session.run({ [WRAPPED_INPUT]: new Tensor('uint8', input, [n, s.height, s.width, 3]) }))[WRAPPED_OUTPUT]!;
  expect(out.type).toBe('uint8');
  expect(out.dims).toEqual([n, s.height, s.width, 3]);
  await session.release();
  return out.data as Uint8Array;
}

/** What the blur model gives for pixel (x, y, c) of a frame edge-padded to padW x padH, as the JS path feeds it. */
function blurReference(frame: Uint8Array, width: number, height: number, multiple: number): number[] {
  const [padW, padH] = [Math.ceil(width / multiple) * multiple, Math.ceil(height / multiple) * multiple];
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let [sum, count] = [0, 0];
        for (let ny = y - 1; ny <= y + 1; ny++) {
          for (let nx = x - 1; nx <= x + 1; nx++) {
            if (nx < 0 || ny < 0 || nx >= padW || ny >= padH) continue;
            sum += frame[(Math.min(ny, height - 1) * width + Math.min(nx, width - 1)) * 3 + c]!;
            count++;
          }
        }
        out.push(Math.round(sum / count));
      }
    }
  }
  return out;
}

describe('the wrapped model', () => {
  it('takes uint8 [N,H,W,3] frames and gives them back: 255 - x on a 2-frame 53x37 batch', async () => {
    const wrapped = wrapModel(invertModel(), spec(53, 37));
    if (!wrapped.ok) throw new Error(wrapped.reason);
    const session = await InferenceSession.create(wrapped.model);
    expect(session.inputNames).toEqual([WRAPPED_INPUT]);
    expect(session.outputNames).toEqual([WRAPPED_OUTPUT]);
    const input = session.inputMetadata[0]!;
    expect(input.isTensor && [input.type, input.shape]).toEqual(['uint8', ['N', 37, 53, 3]]);
    await session.release();
    const frame = frames(2, 53, 37);
    expect([...(await runWrapped(invertModel(), spec(53, 37), frame))]).toEqual([...frame].map((v) => 255 - v));
  });

  // Pad takes its pads as an attribute before opset 11, Slice its bounds before 10, Clip min/max before 11;
  // onnxruntime rejects a node whose inputs its opset's schema does not have, so loading proves the form.
  it.each([9, 10, 11, 17])('pads odd frames by their edge to the model multiple and crops back at opset %i', async (opset) => {
    for (const [w, h] of [[53, 37], [64, 48]] as const) {
      const frame = frames(1, w, h);
      const out = [...(await runWrapped(blurModel(4, opset), spec(w, h, 4), frame))];
      const reference = blurReference(frame, w, h, 4);
      // Round (opset 11+) takes exact halves to even, Math.round takes them up: at most one level apart
      expect(out.every((v, i) => Math.abs(v - reference[i]!) <= 1)).toBe(true);
      if (opset < 11) expect(out).toEqual(reference);
    }
  });

  it('rounds exact halves up before opset 11 and to even from 11 (ONNX Round)', async () => {
    const input = Uint8Array.of(1, 3, 5, 7, 9, 11); // one 2x1 frame; x * 0.5 lands on .5
    expect([...(await runWrapped(affineModel(0.5, 0, 10), spec(2, 1), input))]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...(await runWrapped(affineModel(0.5, 0, 11), spec(2, 1), input))]).toEqual([0, 2, 2, 4, 4, 6]);
  });

  it.each([9, 17])('clips to 0..255 and turns NaN into 0 at opset %i', async (opset) => {
    const input = Uint8Array.of(0, 99, 100, 101, 200, 255);
    expect([...(await runWrapped(affineModel(3, -300, opset), spec(2, 1), input))]).toEqual([0, 0, 0, 3, 255, 255]);
    expect([...(await runWrapped(nanModel(opset), spec(2, 1), input))]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('declares a fixed batch dim when the model has one', async () => {
    const wrapped = wrapModel(invertModel(), { ...spec(4, 2), batch: 1 });
    if (!wrapped.ok) throw new Error(wrapped.reason);
    const session = await InferenceSession.create(wrapped.model);
    const input = session.inputMetadata[0]!;
    expect(input.isTensor && input.shape).toEqual([1, 2, 4, 3]);
    await session.release();
  });
});

describe('models the wrapper leaves alone', () => {
  it('refuses opset 8, which has no IsNaN or Where to turn NaN into 0', () => {
    expect(wrapModel(invertModel(8), spec(4, 4))).toEqual({ ok: false, reason: expect.stringMatching(/opset 8 has no IsNaN/) });
  });

  it('refuses a graph that already has a value called frames_u8', () => {
    const g = new GraphBuilder();
    const x = g.input('input', ['N', 3, 'H', 'W']);
    g.output(g.node('Neg', [g.node('Neg', [x], {}, 'frames_u8')]), 'output', ['N', 3, 'H', 'W']);
    expect(wrapModel(g.toModel(), spec(4, 4))).toEqual({ ok: false, reason: expect.stringMatching(/already uses the name "frames_u8"/) });
  });

  it('refuses when the image input is not declared under the name it was given', () => {
    expect(wrapModel(invertModel(), { ...spec(4, 4), inputName: 'image' })).toEqual({ ok: false, reason: expect.stringMatching(/does not declare input "image"/) });
  });

  it('refuses bytes that are not a ModelProto', () => {
    expect(wrapModel(Uint8Array.of(0x3a, 0x05, 0x01), spec(4, 4))).toEqual({ ok: false, reason: expect.stringMatching(/not a readable ModelProto/) });
  });
});

const models = {
  'mobile-style.onnx': join(dataDir, 'models', 'mobile-style.onnx'),
  'painterly-starry.onnx': new URL('../../models/painterly-starry.onnx', import.meta.url).pathname,
  'painterly-wave.onnx': new URL('../../models/painterly-wave.onnx', import.meta.url).pathname,
};

const graphOf = (fields: readonly WireField[]) => splitFields(fields.find((f) => f.number === 7)!.payload);
const raws = (fields: readonly WireField[]) => fields.map((f) => Buffer.from(f.raw));
const nameOf = (f: WireField) => (f.number === 1 ? (NodeProto.decode(f.payload) as unknown as { name: string }).name : stringField(f.payload, 1));

describe('wrapping a model at the wire level', () => {
  it.each(Object.entries(models))('keeps every field of %s but the image input and output byte for byte', async (_, path) => {
    const bytes = readFileSync(path);
    const session = await InferenceSession.create(path);
    const [inputName, outputName] = [session.inputNames[0]!, session.outputNames[0]!];
    await session.release();
    const wrapped = wrapModel(bytes, { inputName, outputName, width: 53, height: 37, multiple: 4, batch: 'dynamic' });
    if (!wrapped.ok) throw new Error(wrapped.reason);

    const before = splitFields(bytes);
    const after = splitFields(wrapped.model);
    expect(raws(after.filter((f) => f.number !== 7))).toEqual(raws(before.filter((f) => f.number !== 7)));

    const isImage = (f: WireField) => (f.number === 11 && nameOf(f) === inputName) || (f.number === 12 && nameOf(f) === outputName);
    const added = (f: WireField) =>
      (f.number === 1 && nameOf(f)!.startsWith('stylerun_wrap/')) || ((f.number === 11 || f.number === 12) && [WRAPPED_INPUT, WRAPPED_OUTPUT].includes(nameOf(f)!));
    expect(raws(graphOf(after).filter((f) => !added(f)))).toEqual(raws(graphOf(before).filter((f) => !isImage(f))));

    // the conversion nodes come before the model's nodes and after them
    const nodes = graphOf(after).filter((f) => f.number === 1).map((f) => nameOf(f)!);
    const own = nodes.filter((n) => !n.startsWith('stylerun_wrap/'));
    expect(nodes.slice(0, nodes.indexOf(own[0]!)).every((n) => n.startsWith('stylerun_wrap/in/'))).toBe(true);
    expect(nodes.slice(nodes.indexOf(own.at(-1)!) + 1).every((n) => n.startsWith('stylerun_wrap/out/'))).toBe(true);
  });
});
