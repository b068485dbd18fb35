// Two tiny stand-alone models that do only the frame conversion, for models the wrapper cannot wrap: run
// them in a side session on the CPU before and after the user's model, and the pixels still never touch a
// JavaScript loop.
import { frameDims, type FrameFormat, type YuvMatrix } from './frame-format.js';
import { FrameNodes, type FrameGeometry } from './frame-nodes.js';
import { ModelProto, type NodeMessage, type ValueInfoMessage } from './onnx-proto.js';
import { valueInfoMessage } from './tensors.js';
import { WRAPPED_INPUT, WRAPPED_OUTPUT } from './wrap-model.js';

/** The unpack model's output (float32 [N,3,H',W'], padded) and the pack model's input. */
export const UNPACKED = 'frames_f32';
export const TO_PACK = 'styled_f32';

/** Recent enough for every node FrameNodes writes; onnxruntime 1.14 and later run it. */
const OPSET = 17;

/**
 * uint8 frames `frames_u8` (in `format`) -> float32 [N,3,H',W'] `frames_f32`, and float32 `styled_f32` -> uint8
 * frames `styled_u8`; yuv420p with `matrix`'s weights.
 */
export function conversionModels(g: FrameGeometry, format: FrameFormat = 'rgb24', matrix: YuvMatrix = 'bt601'): { unpack: Uint8Array; pack: Uint8Array } {
  const padded = (n: number) => Math.ceil(n / g.multiple) * g.multiple;
  const frames = valueInfoMessage(WRAPPED_INPUT, 'uint8', frameDims(format, 'N', g.width, g.height));
  const unpack = new FrameNodes(OPSET, 'unpack/');
  const pack = new FrameNodes(OPSET, 'pack/');
  unpack.unpackFrom(format, WRAPPED_INPUT, UNPACKED, g, matrix);
  pack.packInto(format, TO_PACK, WRAPPED_OUTPUT, g, matrix);
  return {
    unpack: model(unpack.nodes, frames, valueInfoMessage(UNPACKED, 'float32', ['N', 3, padded(g.height), padded(g.width)])),
    // The model's output may be larger than the frame (models that pad internally); pack crops it.
    pack: model(pack.nodes, valueInfoMessage(TO_PACK, 'float32', ['N', 3, 'H', 'W']), { ...frames, name: WRAPPED_OUTPUT }),
  };
}

function model(node: NodeMessage[], input: ValueInfoMessage, output: ValueInfoMessage): Uint8Array {
  const message = {
    ir_version: 8,
    producer_name: 'stylerun',
    opset_import: [{ domain: '', version: OPSET }],
    graph: { name: 'frame-conversion', node, input: [input], output: [output] },
  };
  return ModelProto.encode(ModelProto.fromObject(message)).finish();
}
