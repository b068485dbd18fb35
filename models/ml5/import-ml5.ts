// An ml5 / deeplearn.js fast-style checkpoint as an ONNX model that keeps stylerun's model contract:
// input "input" and output "output", float32 [N,3,H,W] RGB 0..255, H and W dynamic and multiples of 4
// (metadata "stylerun.multiple"). Pure: checkpoint in, serialized ModelProto out.
import { MULTIPLE_METADATA_KEY } from '../contract.js';
import { float } from '../onnx/attributes.js';
import { GraphBuilder } from '../onnx/graph-builder.js';
import { readMl5Checkpoint, type LayerWeights, type Ml5Checkpoint } from './checkpoint.js';
import { instanceNormEpsilon, outputOffset, outputScale, sizeMultiple } from './transformer-net.js';

const image = ['N', 3, 'H', 'W'] as const;

/** The ONNX model for an already-read checkpoint. */
export function ml5ToOnnx(checkpoint: Ml5Checkpoint, name = 'ml5 TransformerNet'): Uint8Array {
  const g = new GraphBuilder();
  const layerInputs: string[] = [];
  let x = g.input('input', image);
  checkpoint.layers.forEach((weights, i) => {
    layerInputs.push(x);
    x = layer(g, weights, x, `layer${i + 1}`, layerInputs);
  });
  const styled = g.node('Add', [g.node('Mul', [g.node('Tanh', [x]), g.scalar(outputScale)]), g.scalar(outputOffset)]);
  g.output(g.node('Clip', [styled, g.scalar(0), g.scalar(255)]), 'output', image);
  return g.toModel({
    graphName: name,
    docString: 'Converted by stylerun from an ml5 fast-style checkpoint (TransformerNet)',
    metadata: { [MULTIPLE_METADATA_KEY]: String(sizeMultiple) },
  });
}

/** Reads the checkpoint in folder `dir` and converts it; throws Ml5CheckpointError for a bad checkpoint. */
export function importMl5(dir: string): Uint8Array {
  return ml5ToOnnx(readMl5Checkpoint(dir));
}

// conv (or transposed conv) -> instance norm -> [+ block input] -> [ReLU]
function layer(g: GraphBuilder, w: LayerWeights, x: string, prefix: string, layerInputs: readonly string[]): string {
  const { layer: spec, weightShape } = w;
  const [k, , c2, c3] = weightShape;
  const kernel = g.constant(`${prefix}_weight`, [c3, c2, k, k], transpose3201(w.weight, weightShape));
  const pads = samePads(k, spec.stride);
  const convolved = spec.kind === 'conv' ? g.node('Conv', [x, kernel], { kernel_shape: [k, k], strides: [spec.stride, spec.stride], pads }) : transposedConv(g, x, kernel, k, spec.stride, pads);
  const scale = g.constant(`${prefix}_scale`, [w.scale.length], w.scale);
  const shift = g.constant(`${prefix}_shift`, [w.shift.length], w.shift);
  let y = g.node('InstanceNormalization', [convolved, scale, shift], { epsilon: float(instanceNormEpsilon) });
  if (spec.addInputOf !== undefined) y = g.node('Add', [y, layerInputs[spec.addInputOf]!]);
  return spec.relu ? g.node('Relu', [y]) : y;
}

/**
 * A transposed conv with TF's SAME padding. Its pads are asymmetric for 3x3 stride 2 ([0,0,1,1]), which
 * onnxruntime's CUDA provider does not support: it drops such a node to the CPU, with a copy each way (on an
 * H200 that made the network about 100 ms a frame at 720x720 instead of a few). So the node takes only the
 * symmetric part of the pads, and a Slice crops the rest from the end: the same values, every op on the GPU.
 */
function transposedConv(g: GraphBuilder, x: string, kernel: string, k: number, stride: number, [top, left, bottom, right]: number[]): string {
  const [h, w] = [Math.min(top!, bottom!), Math.min(left!, right!)];
  const node = g.node('ConvTranspose', [x, kernel], { kernel_shape: [k, k], strides: [stride, stride], pads: [h, w, h, w] });
  const [extraTop, extraLeft, extraBottom, extraRight] = [top! - h, left! - w, bottom! - h, right! - w];
  if (extraTop + extraLeft + extraBottom + extraRight === 0) return node;
  // Negative ends count from the end; INT64_MAX-like ends keep the whole axis.
  const end = (extra: number) => (extra > 0 ? -extra : Number.MAX_SAFE_INTEGER);
  return g.node('Slice', [node, g.int64s([extraTop, extraLeft]), g.int64s([end(extraBottom), end(extraRight)]), g.int64s([2, 3])]);
}

/**
 * TensorFlow's "SAME" padding as ONNX pads [top, left, bottom, right], for inputs whose size is a multiple of the
 * stride (H and W are multiples of 4, so every stride-2 input is even): k - s in all, the odd one at the end.
 * A conv's output is then in/s; a transposed conv's full output s*(in-1)+k loses k - s, leaving s*in: for 3x3
 * stride 2 that is the first 2h of the 2h+1 rows/cols, [0,0,1,1], as TF's conv2d_transpose keeps them.
 */
function samePads(kernel: number, stride: number): number[] {
  const total = Math.max(kernel - stride, 0);
  const begin = Math.floor(total / 2);
  return [begin, begin, total - begin, total - begin];
}

/** [d0,d1,d2,d3] -> [d3,d2,d0,d1]: HWIO to OIHW for a conv, (H,W,out,in) to (in,out,H,W) for a transposed conv. */
export function transpose3201(data: Float32Array, [d0, d1, d2, d3]: readonly [number, number, number, number]): Float32Array {
  const out = new Float32Array(data.length);
  for (let a = 0; a < d0; a++) {
    for (let b = 0; b < d1; b++) {
      for (let c = 0; c < d2; c++) {
        for (let d = 0; d < d3; d++) out[((d * d2 + c) * d0 + a) * d1 + b] = data[((a * d1 + b) * d2 + c) * d3 + d]!;
      }
    }
  }
  return out;
}
