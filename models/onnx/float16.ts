// Converts a float32 model to float16 at load time (`--precision fp16`), keeping its inputs and outputs
// float32 so that the frame paths and the contract do not change: a Cast to fp16 follows each float input,
// a Cast back to fp32 precedes each float output, and inside, every float32 weight and constant becomes
// fp16 and every Cast to float32 a Cast to fp16. Like the frame wrapper it edits the protobuf wire, so every
// field it does not touch is kept byte for byte.
//
// It needs no type inference because of one fact about ai.onnx: an op's float outputs take the type of its
// float inputs, apart from the few ops whose type comes from an attribute (refused below) and the few inputs
// that must be float32 whatever the data is (Resize's and Upsample's scales, cast back to float32 here).
import { halfBytes } from './half.js';
import { openModel, withGraph, type ModelEdit } from './model-edit.js';
import { OnnxDataType } from './onnx-proto.js';
import { littleEndianFloat32s } from './tensors.js';
import { concat, lenField, splitFields, stringField, varintField, varintValue, WireType, type WireField } from './wire.js';

/** Every value the conversion adds is named with this prefix. */
const PREFIX = 'stylerun_fp16/';
const FLOAT16 = 10;
const FLOAT32 = OnnxDataType.float32;

// Field numbers from onnx.proto.
const GRAPH = { node: 1, initializer: 5, input: 11, output: 12, valueInfo: 13, sparseInitializer: 15 } as const;
const NODE = { input: 1, output: 2, opType: 4, attribute: 5, domain: 7 } as const;
const ATTRIBUTE = { name: 1, f: 2, i: 3, t: 5, g: 6, floats: 7, graphs: 11, type: 20 } as const;
const ATTRIBUTE_TENSOR = 4;
const TENSOR = { dims: 1, dataType: 2, floatData: 4, rawData: 9, dataLocation: 14 } as const;
const VALUE_INFO = { name: 1, type: 2 } as const;
const TYPE_TENSOR = 1;
const TENSOR_TYPE_ELEM = 1;

/** Ops whose output type an attribute sets (float32 by default), so converting their inputs says nothing. */
const REFUSED_OPS = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'EyeLike', 'Bernoulli', 'Multinomial']);

/** Inputs that must stay float32 whatever the data's type, by op and opset. */
function float32Inputs(opType: string, opset: number): readonly number[] {
  if (opType === 'Resize') return opset >= 11 ? [1, 2] : [1]; // roi and scales; Resize-10 has scales at 1
  if (opType === 'Upsample') return [1];
  return [];
}

/** `model` with its float32 arithmetic in float16 and its float32 inputs and outputs kept, or why not. */
export function toFloat16(model: Uint8Array): ModelEdit {
  const open = openModel(model);
  if (typeof open === 'string') return { ok: false, reason: open };
  const { graph, graphFields, opset } = open;
  if (opset === undefined) return { ok: false, reason: 'the model imports no ai.onnx opset' };
  if (Buffer.from(graph.buffer, graph.byteOffset, graph.byteLength).includes(PREFIX)) {
    return { ok: false, reason: `the graph already uses the name "${PREFIX}"` };
  }
  try {
    return { ok: true, model: withGraph(open, convertGraph(graphFields, opset)) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
}

class Refusal extends Error {}

function convertGraph(fields: readonly WireField[], opset: number): Uint8Array {
  const initializers = new Set(fields.filter((f) => f.number === GRAPH.initializer).map((f) => stringField(f.payload, 8) ?? ''));
  const renamed = new Map<string, string>(); // a float graph input or output -> its fp16 name inside
  const before: Uint8Array[] = []; // Casts of float inputs to fp16
  const after: Uint8Array[] = []; // Casts of fp16 results to float outputs
  for (const f of fields) {
    if (f.number !== GRAPH.input && f.number !== GRAPH.output) continue;
    const name = stringField(f.payload, VALUE_INFO.name) ?? '';
    if (elemType(f.payload) !== FLOAT32 || initializers.has(name) || renamed.has(name)) continue;
    const inside = `${PREFIX}${name}`;
    renamed.set(name, inside);
    if (f.number === GRAPH.input) before.push(lenField(GRAPH.node, castNode(name, inside, FLOAT16)));
    else after.push(lenField(GRAPH.node, castNode(inside, name, FLOAT32)));
  }
  const rename = (name: string) => renamed.get(name) ?? name;
  let casts = 0;
  const out: Uint8Array[] = [...before];
  for (const f of fields) {
    if (f.number === GRAPH.node) {
      const extra: Uint8Array[] = [];
      const node = convertNode(f.payload, opset, rename, (input) => {
        const cast = `${PREFIX}float32_${casts++}`;
        extra.push(lenField(GRAPH.node, castNode(input, cast, FLOAT32)));
        return cast;
      });
      out.push(...extra, lenField(GRAPH.node, node));
    } else if (f.number === GRAPH.initializer) out.push(lenField(GRAPH.initializer, halfTensor(f.payload)));
    else if (f.number === GRAPH.sparseInitializer) throw new Refusal('the model has sparse initializers');
    else if (f.number === GRAPH.valueInfo && !renamed.has(stringField(f.payload, VALUE_INFO.name) ?? '')) {
      out.push(lenField(GRAPH.valueInfo, halfValueInfo(f.payload)));
    }
    else if (f.number === GRAPH.input && initializers.has(stringField(f.payload, VALUE_INFO.name) ?? '')) {
      out.push(lenField(GRAPH.input, halfValueInfo(f.payload))); // an initializer listed as an input (IR < 4)
    } else out.push(f.raw);
  }
  return concat([...out, ...after]);
}

/** One node with its graph inputs/outputs renamed, its float constants and Casts made fp16. */
function convertNode(node: Uint8Array, opset: number, rename: (name: string) => string, toFloat32: (name: string) => string): Uint8Array {
  const fields = splitFields(node);
  const opType = stringField(node, NODE.opType) ?? '';
  const domain = stringField(node, NODE.domain) ?? '';
  if (domain !== '' && domain !== 'ai.onnx') throw new Refusal(`node ${opType} is in domain "${domain}", whose types are unknown here`);
  if (REFUSED_OPS.has(opType)) throw new Refusal(`${opType} makes float32 from an attribute`);
  const keepFloat32 = float32Inputs(opType, opset);
  let inputIndex = 0;
  let hasValue = false;
  const out = fields.map((f) => {
    if (f.number === NODE.input) {
      const name = new TextDecoder().decode(f.payload);
      const index = inputIndex++;
      if (name === '') return f.raw;
      const inside = rename(name);
      return stringBytes(NODE.input, keepFloat32.includes(index) ? toFloat32(inside) : inside);
    }
    if (f.number === NODE.output) return stringBytes(NODE.output, rename(new TextDecoder().decode(f.payload)));
    if (f.number !== NODE.attribute) return f.raw;
    const attribute = splitFields(f.payload);
    if (attribute.some((a) => a.number === ATTRIBUTE.g || a.number === ATTRIBUTE.graphs)) throw new Refusal(`${opType} has a subgraph`);
    const name = stringField(f.payload, ATTRIBUTE.name);
    if (name === 'dtype') throw new Refusal(`${opType} sets its output type from an attribute`);
    if (opType === 'Cast' && name === 'to') {
      const to = attribute.find((a) => a.number === ATTRIBUTE.i);
      return to && varintValue(to) === FLOAT32 ? lenField(NODE.attribute, replaceField(f.payload, ATTRIBUTE.i, varintField(ATTRIBUTE.i, FLOAT16))) : f.raw;
    }
    if ((opType === 'Constant' || opType === 'ConstantOfShape') && name === 'value') {
      hasValue = true;
      const t = attribute.find((a) => a.number === ATTRIBUTE.t);
      return t ? lenField(NODE.attribute, replaceField(f.payload, ATTRIBUTE.t, lenField(ATTRIBUTE.t, halfTensor(t.payload)))) : f.raw;
    }
    if (opType === 'Constant' && (name === 'value_float' || name === 'value_floats')) {
      hasValue = true;
      return lenField(NODE.attribute, tensorAttribute('value', constantFloats(attribute, name === 'value_float')));
    }
    return f.raw;
  });
  // ConstantOfShape without a value makes float32 zeros.
  if (opType === 'ConstantOfShape' && !hasValue) out.push(lenField(NODE.attribute, tensorAttribute('value', halfTensorOf([1], Float32Array.of(0)))));
  return concat(out);
}

/** A FLOAT TensorProto as FLOAT16 (raw_data), other fields kept; any other tensor unchanged. */
function halfTensor(tensor: Uint8Array): Uint8Array {
  const fields = splitFields(tensor);
  const type = fields.find((f) => f.number === TENSOR.dataType);
  if (!type || varintValue(type) !== FLOAT32) return tensor;
  const location = fields.find((f) => f.number === TENSOR.dataLocation);
  if (location && varintValue(location) !== 0) throw new Refusal(`tensor ${stringField(tensor, 8) ?? ''} keeps its data in an external file`);
  const values = floatValues(fields);
  const kept = fields.filter((f) => f.number !== TENSOR.dataType && f.number !== TENSOR.floatData && f.number !== TENSOR.rawData);
  return concat([...kept.map((f) => f.raw), varintField(TENSOR.dataType, FLOAT16), lenField(TENSOR.rawData, halfBytes(values))]);
}

/** A FLOAT16 TensorProto of `dims` holding `values`. */
function halfTensorOf(dims: readonly number[], values: Float32Array): Uint8Array {
  return concat([...dims.map((d) => varintField(TENSOR.dims, d)), varintField(TENSOR.dataType, FLOAT16), lenField(TENSOR.rawData, halfBytes(values))]);
}

// A float tensor's values sit in raw_data (little-endian) or in float_data, packed or one field per value.
function floatValues(fields: readonly WireField[]): Float32Array {
  const raw = fields.find((f) => f.number === TENSOR.rawData);
  const bytes = raw
    ? raw.payload
    : concat(fields.filter((f) => f.number === TENSOR.floatData).map((f) => f.payload)); // LEN (packed) or I32 payloads are both 4-byte LE floats
  return littleEndianFloat32s(bytes);
}

function constantFloats(attribute: readonly WireField[], scalar: boolean): Uint8Array {
  const parts = attribute.filter((a) => (scalar ? a.number === ATTRIBUTE.f : a.number === ATTRIBUTE.floats));
  const values = littleEndianFloat32s(concat(parts.map((p) => p.payload)));
  return halfTensorOf(scalar ? [] : [values.length], values);
}

/** A ValueInfoProto whose tensor elem_type FLOAT becomes FLOAT16; others unchanged. */
function halfValueInfo(info: Uint8Array): Uint8Array {
  if (elemType(info) !== FLOAT32) return info;
  const type = splitFields(info).find((f) => f.number === VALUE_INFO.type)!;
  const tensorType = splitFields(type.payload).find((f) => f.number === TYPE_TENSOR)!;
  const newTensorType = replaceField(tensorType.payload, TENSOR_TYPE_ELEM, varintField(TENSOR_TYPE_ELEM, FLOAT16));
  return replaceField(info, VALUE_INFO.type, lenField(VALUE_INFO.type, replaceField(type.payload, TYPE_TENSOR, lenField(TYPE_TENSOR, newTensorType))));
}

/** The tensor elem_type a ValueInfoProto declares, if it declares a tensor. */
function elemType(info: Uint8Array): number | undefined {
  const type = splitFields(info).find((f) => f.number === VALUE_INFO.type);
  const tensorType = type && splitFields(type.payload).find((f) => f.number === TYPE_TENSOR);
  const elem = tensorType && splitFields(tensorType.payload).find((f) => f.number === TENSOR_TYPE_ELEM && f.wireType === WireType.VARINT);
  return elem && varintValue(elem);
}

/** `message` with its (single) field `number` replaced by the encoded field `raw`. */
function replaceField(message: Uint8Array, number: number, raw: Uint8Array): Uint8Array {
  return concat(splitFields(message).map((f) => (f.number === number ? raw : f.raw)));
}

function castNode(input: string, output: string, to: number): Uint8Array {
  const attribute = concat([stringBytes(ATTRIBUTE.name, 'to'), varintField(ATTRIBUTE.i, to), varintField(ATTRIBUTE.type, 2)]);
  return concat([stringBytes(NODE.input, input), stringBytes(NODE.output, output), stringBytes(NODE.opType, 'Cast'), lenField(NODE.attribute, attribute)]);
}

function tensorAttribute(name: string, tensor: Uint8Array): Uint8Array {
  return concat([stringBytes(ATTRIBUTE.name, name), lenField(ATTRIBUTE.t, tensor), varintField(ATTRIBUTE.type, ATTRIBUTE_TENSOR)]);
}

function stringBytes(number: number, value: string): Uint8Array {
  return lenField(number, new TextEncoder().encode(value));
}
