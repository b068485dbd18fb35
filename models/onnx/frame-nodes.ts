// The nodes that turn frames as ffmpeg delivers them (uint8 [N,H,W,3] packed RGB, or yuv420p planes) into
// the model contract's float32 [N,3,H,W] 0..255 and back, written for a given ai.onnx opset so that they can
// join the user's own graph (whose opset they must share) or make a graph of their own.
import { attributeMessages, float, type Attributes } from './attributes.js';
import { OnnxAttributeType, OnnxDataType, type NodeMessage } from './onnx-proto.js';
import { rgbToYuvWith, yuvToRgbWith, type FrameFormat, type YuvMatrix } from './frame-format.js';
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

  /** Frames in `format` `input` -> float32 [N,3,H',W'] RGB `output`: unpack or unpackYuv420 (with `matrix`). */
  unpackFrom(format: FrameFormat, input: string, output: string, g: FrameGeometry, matrix: YuvMatrix = 'bt601'): void {
    if (format === 'yuv420p') this.unpackYuv420(input, output, g, matrix);
    else this.unpack(input, output, g);
  }

  /** float32 [N,3,H'',W''] RGB `input` -> frames in `format` `output`: pack or packYuv420 (with `matrix`). */
  packInto(format: FrameFormat, input: string, output: string, g: FrameGeometry, matrix: YuvMatrix = 'bt601'): void {
    if (format === 'yuv420p') this.packYuv420(input, output, g, matrix);
    else this.pack(input, output, g);
  }

  /** uint8 [N,H,W,3] `input` -> float32 [N,3,H',W'] `output`, H' and W' rounded up to the multiple by edge padding. */
  unpack(input: string, output: string, g: FrameGeometry): void {
    // Transposing before the Cast moves 1 byte per value instead of 4.
    const nchw = this.add('Transpose', [input], { perm: [0, 3, 1, 2] });
    if (!needsPad(g)) {
      this.add('Cast', [nchw], { to: OnnxDataType.float32 }, output);
      return;
    }
    this.padToMultiple(this.add('Cast', [nchw], { to: OnnxDataType.float32 }), output, g);
  }

  /**
   * uint8 [N, H*W*3/2] yuv420p `input` (the Y plane, then Cb, then Cr, as ffmpeg writes them) -> float32
   * [N,3,H',W'] RGB `output`, 0..255, padded as unpack pads, limited range with `matrix`'s weights. Each
   * chroma sample covers its 2x2 luma samples, as swscale's unscaled yuv420p-to-rgb24 conversion does.
   */
  unpackYuv420(input: string, output: string, g: FrameGeometry, matrix: YuvMatrix = 'bt601'): void {
    const [w, h, luma] = [g.width, g.height, g.width * g.height];
    const { matrix: m, offset: o } = yuvToRgbWith(matrix);
    // R, G and B each take the same multiple of Y (255/219) plus their own mix of Cb and Cr: the chroma's share
    // is worked out at chroma resolution (a quarter of the pixels) and only then spread over its 2x2 block
    const y = this.reshape(this.slice(input, [0], [luma], [1]), [0, 1, h, w]);
    const scaledY = this.add('Mul', [this.add('Cast', [y], { to: OnnxDataType.float32 }), this.floatScalar(m[0]!)]);
    const chroma = this.reshape(this.slice(input, [luma], [luma + luma / 2], [1]), [0, 2, luma / 4]);
    const mix = [m[1]!, m[2]!, m[4]!, m[5]!, m[7]!, m[8]!];
    const share = this.affine(this.add('Cast', [chroma], { to: OnnxDataType.float32 }), mix, o);
    const rgb = this.add('Add', [scaledY, this.upsample2x(this.reshape(share, [0, 3, h / 2, w / 2]))]);
    // YCbCr values outside the RGB cube give RGB outside 0..255, which swscale clamps and the contract forbids
    if (!needsPad(g)) {
      this.clip(rgb, output);
      return;
    }
    this.padToMultiple(this.clip(rgb), output, g);
  }

  /**
   * float32 [N,3,H'',W''] `input` -> uint8 [N,H,W,3] `output`: the top-left H x W (models may pad internally),
   * NaN to 0, clipped to 0..255 and rounded to the nearest level.
   */
  pack(input: string, output: string, g: FrameGeometry): void {
    const cropped = this.slice(input, [0, 0], [g.height, g.width], [2, 3]);
    // Clip and Round keep NaN, and Cast(uint8) of NaN is undefined, so the NaN pixels are replaced after
    // the Cast: a Where over bytes costs a fifth of one over floats (0.5 ms against 2.5 ms at 720x720).
    const finite = this.bytes(this.clip(cropped), cropped, 0);
    this.add('Transpose', [finite], { perm: [0, 2, 3, 1] }, output);
  }

  /**
   * float32 [N,3,H'',W''] RGB `input` -> uint8 [N, H*W*3/2] yuv420p `output`: the top-left H x W clipped to
   * 0..255 (the contract), then limited-range Y (with `matrix`'s weights) for each pixel and Cb, Cr for each
   * 2x2 block (the block's mean colour), rounded to the nearest level. A NaN becomes black (Y 16) and neutral
   * chroma (128).
   */
  packYuv420(input: string, output: string, g: FrameGeometry, matrix: YuvMatrix = 'bt601'): void {
    const [w, h, luma] = [g.width, g.height, g.width * g.height];
    const rgb = this.clip(this.slice(input, [0, 0], [h, w], [2, 3]));
    const { matrix: m, offset: o } = rgbToYuvWith(matrix);
    const lumaF = this.affine(this.reshape(rgb, [0, 3, luma]), m.slice(0, 3), o.slice(0, 1));
    // the conversion is linear, so a block's chroma is the chroma of its mean colour
    const mean = this.add('AveragePool', [rgb], { kernel_shape: [2, 2], strides: [2, 2] });
    const chromaF = this.affine(this.reshape(mean, [0, 3, luma / 4]), m.slice(3), o.slice(1));
    // NaN survives MatMul and AveragePool; whether it survives Clip is the provider's (CUDA's fmaxf drops it),
    // so each plane is checked right before its Cast
    const y = this.reshape(this.bytes(lumaF, lumaF, 16), [0, -1]);
    const c = this.reshape(this.bytes(chromaF, chromaF, 128), [0, -1]);
    this.add('Concat', [y, c], { axis: 1 }, output);
  }

  /** Edge-pads float32 [N,C,H,W] `floats` to the multiple, into `output`. */
  private padToMultiple(floats: string, output: string, g: FrameGeometry): void {
    const pads = [0, 0, 0, 0, 0, 0, roundUp(g.height, g.multiple) - g.height, roundUp(g.width, g.multiple) - g.width];
    // Pad-2 takes pads as an attribute; from Pad-11 they are an input.
    if (this.opset < 11) this.add('Pad', [floats], { mode: 'edge', pads }, output);
    else this.add('Pad', [floats, this.int64s(pads)], { mode: 'edge' }, output);
  }

  private slice(input: string, starts: number[], ends: number[], axes: number[]): string {
    // Slice-1 takes its bounds as attributes; from Slice-10 they are inputs.
    return this.opset < 10
      ? this.add('Slice', [input], { starts, ends, axes })
      : this.add('Slice', [input, this.int64s(starts), this.int64s(ends), this.int64s(axes)]);
  }

  private reshape(input: string, shape: number[]): string {
    // a 0 keeps that dim of the input (the batch), -1 takes what is left
    return this.add('Reshape', [input, this.int64s(shape)]);
  }

  private clip(input: string, output?: string): string {
    // Clip-6 takes min and max as attributes; from Clip-11 they are inputs.
    return this.opset < 11
      ? this.add('Clip', [input], { min: float(0), max: float(255) }, output)
      : this.add('Clip', [input, this.floatScalar(0), this.floatScalar(255)], {}, output);
  }

  /**
   * matrix · x + offset over the channels of float32 [N,C,L] `x`: one MatMul (a 1x1 Conv would have onnxruntime's
   * CPU provider reorder its layout twice, three times the cost at 720x720) and one Add.
   */
  private affine(x: string, matrix: readonly number[], offset: readonly number[]): string {
    const [rows, columns] = [offset.length, matrix.length / offset.length];
    const product = this.add('MatMul', [this.constant(Float32Array.from(matrix), [rows, columns]), x]);
    return this.add('Add', [product, this.constant(Float32Array.from(offset), [rows, 1])]);
  }

  /** [N,C,h,w] `x` -> [N,C,2h,2w], each value repeated over a 2x2 block (nearest neighbour). */
  private upsample2x(x: string): string {
    const scales = this.constant(Float32Array.of(1, 1, 2, 2), [4]);
    // Upsample-9 was replaced by Resize-10, whose roi input arrived in 11; "asymmetric" with "floor" maps output
    // pixel i to input pixel floor(i / 2), which is what Resize-10 did
    if (this.opset < 10) return this.add('Upsample', [x, scales], { mode: 'nearest' });
    if (this.opset < 11) return this.add('Resize', [x, scales], { mode: 'nearest' });
    const roi = this.constant(new Float32Array(0), [0]);
    return this.add('Resize', [x, roi, scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
  }

  /** float32 `values` (0..255 unless NaN) rounded to uint8 levels, `fill` where `nanSource` is NaN. */
  private bytes(values: string, nanSource: string, fill: number): string {
    // Round (half to even) arrived in 11; before it, +0.5 and Cast's truncation round half up, which is the
    // same thing for the non-negative values left after Clip except at exact halves.
    const rounded = this.opset < 11 ? this.add('Add', [values, this.floatScalar(0.5)]) : this.add('Round', [values]);
    const levels = this.add('Cast', [rounded], { to: OnnxDataType.uint8 });
    return this.add('Where', [this.add('IsNaN', [nanSource]), this.constant(Uint8Array.of(fill), []), levels]);
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

function needsPad(g: FrameGeometry): boolean {
  return roundUp(g.height, g.multiple) !== g.height || roundUp(g.width, g.multiple) !== g.width;
}

function roundUp(n: number, multiple: number): number {
  return Math.ceil(n / multiple) * multiple;
}
