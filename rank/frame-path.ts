// How frames meet the model: a path takes RGB24 frames and gives styled RGB24 frames back. The Stylizer tries
// the fastest path first and keeps the first that loads and passes a warm-up frame.
import ort from 'onnxruntime-node';

/** One way of running frames through the model. */
export interface FramePath {
  /** Which path this is, for the rank's model note, e.g. "uint8 frames converted inside the graph". */
  readonly note: string;
  /** Styles frames of the job's width x height; returns them in the same order. */
  run(frames: readonly Buffer[]): Promise<Buffer[]>;
  /** Releases the sessions this path created (not the user's model session it was given). */
  release(): Promise<void>;
}

/** One uint8 [N,H,W,3] tensor over the frames' bytes: a single memcpy for a batch, none for one frame. */
export function framesTensor(frames: readonly Buffer[], width: number, height: number): ort.Tensor {
  const bytes = frames.length === 1 ? frames[0]! : Buffer.concat(frames);
  return new ort.Tensor('uint8', bytes, [frames.length, height, width, 3]);
}

/** Splits a uint8 [N,H,W,3] output into one Buffer per frame, as views of the output (no copy). */
export function framesOf(output: ort.Tensor, count: number, width: number, height: number): Buffer[] {
  const dims = output.dims.map(Number);
  if (output.type !== 'uint8' || dims.join() !== [count, height, width, 3].join()) {
    throw new Error(`the converted output is ${output.type} [${dims.join(',')}], not uint8 [${count},${height},${width},3]`);
  }
  const data = output.data as Uint8Array;
  const frameBytes = width * height * 3;
  return Array.from({ length: count }, (_, b) => Buffer.from(data.buffer, data.byteOffset + b * frameBytes, frameBytes));
}
