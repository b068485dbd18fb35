// The model contract, as the ONNX Model Zoo's fast-neural-style models keep it: exactly one float32 input,
// rank 4 NCHW with 3 (RGB) channels and values 0..255, and exactly one float32 output with the same layout.
// Checked once when the model is loaded, so a wrong model fails before any frame is decoded.
import { readFileSync } from 'node:fs';
import { InferenceSession } from 'onnxruntime-node';
import { ModelContractError, type ModelContractProblem } from './errors.js';
import { readModelMetadata } from './model-metadata.js';
import { openModel } from './onnx/model-edit.js';
import { ValueInfoProto } from './onnx/onnx-proto.js';
import { stringField } from './onnx/wire.js';

/** Model metadata key that declares which multiple H and W must be, e.g. "4" for Johnson-style nets. */
export const MULTIPLE_METADATA_KEY = 'stylerun.multiple';

/**
 * How frames must be fed to a model that keeps the contract.
 * 'dynamic': H and W are symbolic; frames run at native size, padded up to `multiple` if it is above 1.
 * 'fixed': H and W are fixed; frames are resized to width x height and the output resized back.
 */
export type ModelShape =
  | {
      kind: 'dynamic';
      inputName: string;
      outputName: string;
      multiple: number;
      batch: number | 'dynamic';
    }
  | {
      kind: 'fixed';
      inputName: string;
      outputName: string;
      width: number;
      height: number;
      batch: number | 'dynamic';
    };

/** What `inspectModel` knows beyond the session: the file (for messages) and its metadata_props. */
export interface InspectOptions {
  readonly modelPath?: string;
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A loaded session together with the shape it was checked to have. */
export interface CheckedModel {
  readonly session: InferenceSession;
  readonly shape: ModelShape;
  /** The model file's bytes, as read for the check (a rank wraps or converts these, without reading the file again). */
  readonly bytes: Uint8Array;
}

type Fail = (problem: ModelContractProblem, what: string) => never;

const CONTRACT = 'stylerun needs one float32 input and one float32 output, both [N,3,H,W] RGB 0..255';

/** Checks the session against the model contract and says how to feed it; throws ModelContractError. */
export function inspectModel(session: InferenceSession, options: InspectOptions = {}): ModelShape {
  return inspectValues(session.inputMetadata, session.outputMetadata, options);
}

// Field numbers from onnx.proto.
const GRAPH = { initializer: 5, input: 11, output: 12 } as const;
const TENSOR_NAME = 8;
const FLOAT32 = 1;

/**
 * The same check as inspectModel, from the model's bytes (its graph's declared inputs and outputs) instead of a
 * session: a rank whose frames are converted inside the graph then loads no session of the model as given.
 * Undefined where the bytes do not tell what a session would (not a readable model, a type other than float32,
 * a dimension neither fixed nor named): the caller then asks a session.
 */
export function inspectModelBytes(bytes: Uint8Array, options: InspectOptions = {}): ModelShape | undefined {
  const open = openModel(bytes);
  if (typeof open === 'string') return undefined;
  const initializers = new Set(open.graphFields.filter((f) => f.number === GRAPH.initializer).map((f) => stringField(f.payload, TENSOR_NAME) ?? ''));
  const declared = (number: number) => open.graphFields.filter((f) => f.number === number).map((f) => valueMetadata(f.payload));
  const inputs = declared(GRAPH.input).filter((v) => !v || !initializers.has(v.name));
  const outputs = declared(GRAPH.output);
  if ([...inputs, ...outputs].some((v) => v === undefined)) return undefined;
  return inspectValues(inputs as InferenceSession.ValueMetadata[], outputs as InferenceSession.ValueMetadata[], options);
}

/** A declared float32 tensor as a session describes it; undefined for anything else. */
function valueMetadata(payload: Uint8Array): InferenceSession.ValueMetadata | undefined {
  const v = ValueInfoProto.toObject(ValueInfoProto.decode(payload), { longs: Number }) as {
    name?: string;
    type?: { tensor_type?: { elem_type?: number; shape?: { dim?: Array<{ dim_value?: number; dim_param?: string }> } } };
  };
  const tensor = v.type?.tensor_type;
  if (!v.name || tensor?.elem_type !== FLOAT32 || !tensor.shape) return undefined;
  const shape: Array<number | string> = [];
  for (const d of tensor.shape.dim ?? []) {
    if (d.dim_param) shape.push(d.dim_param);
    else if (d.dim_value !== undefined && d.dim_value > 0) shape.push(d.dim_value);
    else return undefined;
  }
  return { name: v.name, isTensor: true, type: 'float32', shape };
}

function inspectValues(inputs: readonly InferenceSession.ValueMetadata[], outputs: readonly InferenceSession.ValueMetadata[], options: InspectOptions): ModelShape {
  const fail: Fail = (problem, what) => {
    throw new ModelContractError(problem, `${label(options.modelPath)} ${what}; ${CONTRACT}`, {
      modelPath: options.modelPath,
    });
  };
  if (inputs.length !== 1) fail('input-count', `has ${inputs.length} inputs (${inputs.map((v) => v.name).join(', ')})`);
  if (outputs.length !== 1) fail('output-count', `has ${outputs.length} outputs (${outputs.map((v) => v.name).join(', ')})`);
  const input = checkImage(inputs[0]!, 'input', fail);
  const output = checkImage(outputs[0]!, 'output', fail);
  const [batchDim, , heightDim, widthDim] = input.shape;
  const batch = typeof batchDim === 'number' ? batchDim : 'dynamic';
  if (typeof heightDim === 'number' && typeof widthDim === 'number') {
    return { kind: 'fixed', inputName: input.name, outputName: output.name, width: widthDim, height: heightDim, batch };
  }
  if (typeof heightDim === 'number' || typeof widthDim === 'number') {
    fail('mixed-size', `input "${input.name}" has H=${heightDim} and W=${widthDim}: one fixed, one dynamic`);
  }
  const multiple = multipleFrom(options.metadata ?? {}, fail);
  return { kind: 'dynamic', inputName: input.name, outputName: output.name, multiple, batch };
}

/**
 * Loads the model at `modelPath` into an onnxruntime session and checks it against the contract.
 * Every way this can fail because of the file the user gave is a ModelContractError.
 */
export async function loadModelChecked(
  modelPath: string,
  options: InferenceSession.SessionOptions = {},
): Promise<CheckedModel> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(modelPath);
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new ModelContractError('unreadable', `${modelPath} cannot be read (${reason}); check the --model path`, {
      modelPath,
      cause,
    });
  }
  let session: InferenceSession;
  try {
    // From the path, not the bytes, so models with external data files next to them still load.
    session = await InferenceSession.create(modelPath, options);
  } catch (cause) {
    throw loadError(modelPath, cause);
  }
  try {
    return { session, bytes, shape: inspectModel(session, { modelPath, metadata: readModelMetadata(bytes) }) };
  } catch (error) {
    await session.release();
    throw error;
  }
}

function checkImage(
  value: InferenceSession.ValueMetadata,
  role: 'input' | 'output',
  fail: Fail,
): { name: string; shape: ReadonlyArray<number | string> } {
  if (!value.isTensor) return fail('not-tensor', `${role} "${value.name}" is not a tensor`);
  if (value.type !== 'float32') return fail('element-type', `${role} "${value.name}" is ${value.type}, not float32`);
  if (value.shape.length !== 4) {
    const declared = value.shape.length === 0 ? 'has no declared shape' : `has rank ${value.shape.length}`;
    return fail('layout', `${role} "${value.name}" ${declared}, not rank 4 NCHW`);
  }
  // A symbolic channel dim cannot be checked here; the first run will tell.
  const channels = value.shape[1];
  if (typeof channels === 'number' && channels !== 3) {
    return fail('channels', `${role} "${value.name}" has ${channels} channels, not 3 (RGB)`);
  }
  return { name: value.name, shape: value.shape };
}

function multipleFrom(metadata: Readonly<Record<string, string>>, fail: Fail): number {
  const raw = metadata[MULTIPLE_METADATA_KEY];
  if (raw === undefined) return 1;
  const multiple = Number(raw);
  if (!Number.isInteger(multiple) || multiple < 1) {
    fail('multiple', `has metadata ${MULTIPLE_METADATA_KEY}="${raw}", which is not a positive integer`);
  }
  return multiple;
}

function loadError(modelPath: string, cause: unknown): ModelContractError {
  const reason = onnxruntimeReason(cause);
  if (/protobuf parsing failed|does not have a graph/i.test(reason)) {
    return new ModelContractError('not-onnx', `${modelPath} is not an ONNX model: ${reason}; pass an .onnx file`, {
      modelPath,
      cause,
    });
  }
  return new ModelContractError(
    'unloadable',
    `${modelPath} cannot be loaded by onnxruntime: ${reason}; re-export it with opset 17 or older and standard ops`,
    { modelPath, cause },
  );
}

// onnxruntime prefixes its reasons with "Load model from <path> failed:" and often a C++ source location and
// signature; the user needs only the sentence at the end, on one line.
export function onnxruntimeReason(cause: unknown): string {
  let text = cause instanceof Error ? cause.message : String(cause);
  text = text.replace(/^Load model from .*? failed:/s, '');
  const location = /^\/\S+:\d+ .*?\) /s.exec(text);
  if (location) text = text.slice(location[0].length);
  return text.replace(/\s+/g, ' ').trim().replace(/\.$/, '');
}

function label(modelPath: string | undefined): string {
  return modelPath ? `model ${modelPath}` : 'the model';
}
