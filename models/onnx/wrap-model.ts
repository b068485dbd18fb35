// Wraps a model that keeps the contract so that it takes and gives frames as ffmpeg does: uint8 [N,H,W,3]
// packed RGB, or yuv420p planes (models/onnx/frame-format.ts).
// The layout and type conversion then runs inside onnxruntime, on the model's provider, instead of in
// JavaScript loops. The model is edited at the protobuf wire level: the image input's and output's
// declarations are dropped, the conversion nodes and the new declarations appended, and every other field
// of the model and its graph is copied byte for byte, so nothing our onnx.proto subset lacks is lost.
import { formatFits, frameDims, type FrameFormat, type YuvMatrix } from './frame-format.js';
import { FrameNodes, MIN_FRAME_NODES_OPSET, type FrameGeometry } from './frame-nodes.js';
import { NodeProto, ValueInfoProto } from './onnx-proto.js';
import { valueInfoMessage } from './tensors.js';
import { openModel, withGraph, type ModelEdit } from './model-edit.js';
import { concat, lenField, stringField, type WireField } from './wire.js';

/** The wrapped model's input: uint8 frames as frame-format.ts lays them out (packed RGB [N,H,W,3], or yuv420p). */
export const WRAPPED_INPUT = 'frames_u8';
/** The wrapped model's output: uint8 frames in the input's format. */
export const WRAPPED_OUTPUT = 'styled_u8';
/** Every value the wrapper adds is named with this prefix. */
const PREFIX = 'stylerun_wrap/';

/** What the wrapper needs to know: the model's image input and output, the job's frame size and format, the batch dim. */
export interface WrapSpec extends FrameGeometry {
  readonly inputName: string;
  readonly outputName: string;
  readonly batch: number | 'dynamic';
  /** The frames' format; rgb24 when not given. */
  readonly format?: FrameFormat;
  /** yuv420p's Y'CbCr matrix, the source's (common/ffmpeg/colour.ts); BT.601 when not given. */
  readonly matrix?: YuvMatrix;
}

/** The wrapped model's bytes, or why this model cannot be wrapped (the caller falls back to another path). */
export type WrapResult = ModelEdit;

// Field numbers from onnx.proto.
const GRAPH = { node: 1, input: 11, output: 12 } as const;
const VALUE_INFO_NAME = 1;

/** Wraps `model` (a serialized ModelProto that keeps the contract) for frames of spec.width x spec.height. */
export function wrapModel(model: Uint8Array, spec: WrapSpec): WrapResult {
  const open = openModel(model);
  if (typeof open === 'string') return { ok: false, reason: open };
  const { graph, graphFields, opset } = open;
  if (opset === undefined) return { ok: false, reason: 'the model imports no ai.onnx opset' };
  if (opset < MIN_FRAME_NODES_OPSET) return { ok: false, reason: `opset ${opset} has no IsNaN/Where to turn NaN into 0` };
  const text = Buffer.from(graph.buffer, graph.byteOffset, graph.byteLength);
  for (const name of [PREFIX, WRAPPED_INPUT, WRAPPED_OUTPUT]) {
    if (text.includes(name)) return { ok: false, reason: `the graph already uses the name "${name}"` };
  }
  const isImage = (f: WireField, number: number, name: string) => f.number === number && stringField(f.payload, VALUE_INFO_NAME) === name;
  const kept = graphFields.filter((f) => !isImage(f, GRAPH.input, spec.inputName) && !isImage(f, GRAPH.output, spec.outputName));
  if (kept.length !== graphFields.length - 2) {
    return { ok: false, reason: `the graph does not declare input "${spec.inputName}" and output "${spec.outputName}" once each` };
  }

  const format = spec.format ?? 'rgb24';
  if (!formatFits(format, spec.width, spec.height)) return { ok: false, reason: `${spec.width}x${spec.height} frames cannot be ${format}` };
  const pre = new FrameNodes(opset, `${PREFIX}in/`);
  const post = new FrameNodes(opset, `${PREFIX}out/`);
  pre.unpackFrom(format, WRAPPED_INPUT, spec.inputName, spec, spec.matrix);
  post.packInto(format, spec.outputName, WRAPPED_OUTPUT, spec, spec.matrix);
  const frames = frameDims(format, spec.batch === 'dynamic' ? 'N' : spec.batch, spec.width, spec.height);
  const newGraph = concat([
    // onnxruntime sorts nodes itself, but a graph that reads in order is easier to inspect.
    ...pre.nodes.map((n) => lenField(GRAPH.node, NodeProto.encode(NodeProto.fromObject(n)).finish())),
    ...kept.map((f) => f.raw),
    ...post.nodes.map((n) => lenField(GRAPH.node, NodeProto.encode(NodeProto.fromObject(n)).finish())),
    lenField(GRAPH.input, encodeValueInfo(WRAPPED_INPUT, frames)),
    lenField(GRAPH.output, encodeValueInfo(WRAPPED_OUTPUT, frames)),
  ]);
  return { ok: true, model: withGraph(open, newGraph) };
}

function encodeValueInfo(name: string, dims: ReadonlyArray<number | string>): Uint8Array {
  return ValueInfoProto.encode(ValueInfoProto.fromObject(valueInfoMessage(name, 'uint8', dims))).finish();
}
