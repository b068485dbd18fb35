import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { inspectModelBytes, loadModelChecked, type CheckedModel } from '../../models/contract.js';
import { ModelContractError } from '../../models/errors.js';
import { GraphBuilder } from '../../models/onnx/graph-builder.js';
import {
  blurModel,
  fixedSizeModel,
  int64InputModel,
  invertModel,
  paddingInvertModel,
  twoInputModel,
  wrongChannelsModel,
} from '../../scripts/onnx/test-models.js';
import { toFloat16 } from '../../models/onnx/float16.js';
import { readModelMetadata } from '../../models/model-metadata.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-contract-'));
let loaded: CheckedModel | undefined;

function writeModel(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

async function load(name: string, bytes: Uint8Array): Promise<CheckedModel> {
  loaded = await loadModelChecked(writeModel(name, bytes));
  return loaded;
}

async function rejection(name: string, bytes: Uint8Array): Promise<ModelContractError> {
  const error = await load(name, bytes).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelContractError);
  return error as ModelContractError;
}

afterEach(async () => {
  await loaded?.session.release();
  loaded = undefined;
});

describe('the model contract', () => {
  it('accepts a dynamic [N,3,H,W] model and reports its input and output names', async () => {
    const { shape } = await load('invert.onnx', invertModel());
    expect(shape).toEqual({ kind: 'dynamic', inputName: 'input', outputName: 'output', multiple: 1, batch: 'dynamic' });
  });

  it('reports a fixed 1x3x224x224 model as fixed 224x224 with batch 1', async () => {
    const { shape } = await load('fixed.onnx', fixedSizeModel(224));
    expect(shape).toEqual({ kind: 'fixed', inputName: 'input1', outputName: 'output1', width: 224, height: 224, batch: 1 });
  });

  it('takes the size multiple from the stylerun.multiple metadata', async () => {
    const g = new GraphBuilder();
    const x = g.input('input', ['N', 3, 'H', 'W']);
    g.output(x, 'output', ['N', 3, 'H', 'W']);
    const { shape } = await load('multiple.onnx', g.toModel({ metadata: { 'stylerun.multiple': '4' } }));
    expect(shape).toMatchObject({ kind: 'dynamic', multiple: 4 });
  });

  it('rejects a model with two inputs, naming them', async () => {
    const error = await rejection('two-inputs.onnx', twoInputModel());
    expect(error.problem).toBe('input-count');
    expect(error.message).toMatch(/has 2 inputs \(content, style\)/);
  });

  it('rejects an int64 input, saying it is not float32', async () => {
    const error = await rejection('int64.onnx', int64InputModel());
    expect(error.problem).toBe('element-type');
    expect(error.message).toMatch(/input "input" is int64, not float32/);
  });

  it('rejects a 4-channel input, saying it needs 3', async () => {
    const error = await rejection('rgba.onnx', wrongChannelsModel());
    expect(error.problem).toBe('channels');
    expect(error.message).toMatch(/has 4 channels, not 3/);
  });

  it('rejects a file that is not ONNX, naming the file, on one line', async () => {
    const path = writeModel('garbage.onnx', new TextEncoder().encode('this is a JPEG, honest\n\x00\xff\x13'));
    const error = await loadModelChecked(path).catch((e: unknown) => e as ModelContractError);
    expect(error).toBeInstanceOf(ModelContractError);
    expect((error as ModelContractError).problem).toBe('not-onnx');
    const message = (error as ModelContractError).message;
    expect(message.startsWith(`${path} is not an ONNX model: `)).toBe(true);
    expect(message).not.toContain('\n');
  });

  it('rejects a path that does not exist as unreadable', async () => {
    const error = await loadModelChecked(join(dir, 'missing.onnx')).catch((e: unknown) => e as ModelContractError);
    expect(error).toBeInstanceOf(ModelContractError);
    expect((error as ModelContractError).problem).toBe('unreadable');
    expect((error as ModelContractError).message).toMatch(/missing\.onnx cannot be read \(ENOENT\)/);
  });
});

// A rank that converts frames inside the graph checks the contract from the model's bytes (no session of the model
// as given): it must say what a session says, or nothing, for every model a rank may get.
describe('the model contract read from the bytes', () => {
  const matta = readFileSync(new URL('../../dist/models/matta.onnx', import.meta.url));
  const mobile = readFileSync(new URL('../../../shared/data/models/mobile-style.onnx', import.meta.url));
  const half = toFloat16(matta);
  const models: Record<string, Uint8Array> = {
    invert: invertModel(),
    'invert, opset 8': invertModel(8),
    'blur, multiple 4': blurModel(4),
    'padding invert': paddingInvertModel(3),
    'fixed 224': fixedSizeModel(224),
    'two inputs': twoInputModel(),
    'int64 input': int64InputModel(),
    '4 channels': wrongChannelsModel(),
    matta,
    'matta in fp16': half.ok ? half.model : new Uint8Array(),
    'mobile-style (trained, from elsewhere)': mobile,
  };

  it.each(Object.keys(models))('says what a session says of %s', async (name) => {
    const path = writeModel(`${name.replace(/\W+/g, '-')}.onnx`, models[name]!);
    const fromSession = await loadModelChecked(path).then(
      (m) => {
        loaded = m;
        return { shape: m.shape };
      },
      (e: ModelContractError) => ({ error: e.message }),
    );
    let fromBytes: { shape?: unknown; error?: string } | undefined;
    try {
      const shape = inspectModelBytes(models[name]!, { modelPath: path, metadata: readModelMetadata(models[name]!) });
      fromBytes = shape && { shape };
    } catch (e) {
      fromBytes = { error: (e as ModelContractError).message };
    }
    if (fromBytes !== undefined) expect(fromBytes).toEqual(fromSession);
    // every model a rank runs in the graph is read from its bytes, so that no session of it is made
    if (['invert', 'blur, multiple 4', 'matta', 'matta in fp16', 'mobile-style (trained, from elsewhere)'].includes(name)) expect(fromBytes).toBeDefined();
  });

  it('says nothing of bytes that are no model', () => {
    expect(inspectModelBytes(new TextEncoder().encode('not a model at all'))).toBeUndefined();
  });
});
