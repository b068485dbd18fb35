// The nodes that turn frames as ffmpeg delivers them (uint8 [N,H,W,3], packed RGB) into the model contract's
// float32 [N,3,H,W] 0..255 and back, written for a given ai.onnx opset so that they can join the user's own
// graph (whose opset they must share) or make a graph of their own.
import { attributeMessages, float, type Attributes } from './attributes.js';
import { OnnxAttributeType, OnnxDataType, type NodeMessage } from './onnx-proto.js';
import { tensorMessage, type TensorData } from './tensors.js';

/** The frame size of a job and the multiple the model wants H and W rounded up to. */
export interface FrameGeometry {
  readonly width: number;
  readonly height: number;
  readonly multiple: number;
}

/**
 * The oldest opset the nodes can be written for: IsNaN and Where arrived in 9, and without them a NaN from
 * the model would reach Cast(uint8), whose result for NaN is undefined (0 on x86 CPUs, anything elsewhere).
 */
export const MIN_FRAME_NODES_OPSET = 9;

/** Collects nodes whose value names all start with `prefix`, so that they cannot clash with the graph's own. */
export class FrameNodes {
  readonly nodes: NodeMessage[] = [];
  private counter = 0;

  constructor(
    readonly opset: number,
    private readonly prefix: string,
  ) {
    if (opset < MIN_FRAME_NODES_OPSET) throw new Error(`opset ${opset} is older than ${MIN_FRAME_NODES_OPSET}`);
  }

  /** uint8 [N,H,W,3] `input` -> float32 [N,3,H',W'] `output`, H' and W' rounded up to the multiple by edge padding. */
  unpack(input: string, output: string, g: FrameGeometry): void {
    // Transposing before the Cast moves 1 byte per value instead of 4.
    const nchw = this.add('Transpose', [input], { perm: [0, 3, 1, 2] });
    const padH = roundUp(g.height, g.multiple) - g.height;
    const padW = roundUp(g.width, g.multiple) - g.width;
    if (padH === 0 && padW === 0) {
      this.add('Cast', [nchw], { to: OnnxDataType.float32 }, output);
      return;
    }
    const floats = this.add('Cast', [nchw], { to: OnnxDataType.float32 });
    const pads = [0, 0, 0, 0, 0, 0, padH, padW];
    // Pad-2 takes pads as an attribute; from Pad-11 they are an input.
    if (this.opset < 11) this.add('Pad', [floats], { mode: 'edge', pads }, output);
    else this.add('Pad', [floats, this.int64s(pads)], { mode: 'edge' }, output);
  }

  /**
   * float32 [N,3,H'',W''] `input` -> uint8 [N,H,W,3] `output`: the top-left H x W (models may pad internally),
   * NaN to 0, clipped to 0..255 and rounded to the nearest level.
   */
  pack(input: string, output: string, g: FrameGeometry): void {
    const [starts, ends, axes] = [[0, 0], [g.height, g.width], [2, 3]];
    // Slice-1 takes its bounds as attributes; from Slice-10 they are inputs.
    const cropped =
      this.opset < 10
        ? this.add('Slice', [input], { starts, ends, axes })
        : this.add('Slice', [input, this.int64s(starts), this.int64s(ends), this.int64s(axes)]);
    // Clip-6 takes min and max as attributes; from Clip-11 they are inputs.
    const clipped =
      this.opset < 11
        ? this.add('Clip', [cropped], { min: float(0), max: float(255) })
        : this.add('Clip', [cropped, this.floatScalar(0), this.floatScalar(255)]);
    // Round (half to even) arrived in 11; before it, +0.5 and Cast's truncation round half up, which is the
    // same thing for the non-negative values left after Clip except at exact halves.
    const rounded = this.opset < 11 ? this.add('Add', [clipped, this.floatScalar(0.5)]) : this.add('Round', [clipped]);
    const bytes = this.add('Cast', [rounded], { to: OnnxDataType.uint8 });
    // Clip and Round keep NaN, and Cast(uint8) of NaN is undefined, so the NaN pixels are replaced after
    // the Cast: a Where over bytes costs a fifth of one over floats (0.5 ms against 2.5 ms at 720x720).
    const finite = this.add('Where', [this.add('IsNaN', [cropped]), this.constant(Uint8Array.of(0), []), bytes]);
    this.add('Transpose', [finite], { perm: [0, 2, 3, 1] }, output);
  }

  private add(opType: string, inputs: readonly string[], attributes: Attributes = {}, output = this.fresh(opType)): string {
    this.nodes.push({ name: this.fresh(`${opType}_node`), op_type: opType, input: [...inputs], output: [output], attribute: attributeMessages(attributes) });
    return output;
  }

  // Constant nodes rather than initializers: before IR version 4 an initializer also had to be a graph input.
  private constant(data: TensorData, dims: readonly number[]): string {
    const output = this.fresh('Constant');
    const value = { name: 'value', type: OnnxAttributeType.TENSOR, t: tensorMessage(output, dims, data) };
    this.nodes.push({ name: this.fresh('Constant_node'), op_type: 'Constant', input: [], output: [output], attribute: [value] });
    return output;
  }

  private int64s(values: readonly number[]): string {
    return this.constant(BigInt64Array.from(values.map(BigInt)), [values.length]);
  }

  private floatScalar(value: number): string {
    return this.constant(Float32Array.of(value), []);
  }

  private fresh(what: string): string {
    return `${this.prefix}${what}_${this.counter++}`;
  }
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
