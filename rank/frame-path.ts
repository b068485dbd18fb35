// How frames meet the model: a path takes raw frames (rgb24, or yuv420p where the job allows it and the path
// converts inside onnxruntime) and gives styled frames back in the same format. The Stylizer tries the fastest
// path first and keeps the first that loads and passes a warm-up frame.
import ort from 'onnxruntime-node';
import { frameBytes, frameDims, type FrameFormat } from '../models/onnx/frame-format.js';

/** One way of running frames through the model. */
export interface FramePath {
  /** Which path this is, for the rank's model note, e.g. "uint8 frames converted inside the graph". */
  readonly note: string;
  /** The raw frames it takes and gives, which the rank's decoder and encoders exchange with ffmpeg. */
  readonly format: FrameFormat;
  /** Styles frames of the job's width x height; returns them in the same order. */
  run(frames: readonly Buffer[]): Promise<Buffer[]>;
  /** Releases the sessions this path created (not the user's model session it was given). */
  release(): Promise<void>;
}

/** One uint8 tensor over the frames' bytes ([N,H,W,3] or [N,H*W*3/2]): a single memcpy for a batch, none for one frame. */
export function framesTensor(frames: readonly Buffer[], width: number, height: number, format: FrameFormat): ort.Tensor {
  const bytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
  return new ort.Tensor('uint8', bytes, frameDims(format, frames.length, width, height) as number[]);
}

/** Splits a uint8 output of `count` frames into one Buffer per frame, as views of the output (no copy). */
export function framesOf(output: ort.Tensor, count: number, width: number, height: number, format: FrameFormat): Buffer[] {
  const dims = output.dims.map(Number);
  const expected = frameDims(format, count, width, height);
  if (output.type !== 'uint8' || dims.join() !== expected.join()) {
    throw new Error(`the converted output is ${output.type} [${dims.join(',')}], not uint8 [${expected.join(',')}]`);
  }
  const data = output.data as Uint8Array;
  const bytes = frameBytes(format, width, height);
  return Array.from({ length: count }, (_, b) => Buffer.from(data.buffer, data.byteOffset + b * bytes, bytes));
}
