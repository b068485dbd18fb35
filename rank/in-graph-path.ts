// The fast path: the user's model wrapped with conversion nodes (models/onnx/wrap-model.ts), so one uint8
// tensor goes in and one comes out, and the provider (the GPU where there is one) converts the pixels.
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import type { Precision } from '../common/device.js';
import { toFloat16 } from '../models/onnx/float16.js';
import { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT, type WrapSpec } from '../models/onnx/wrap-model.js';
import { framesOf, framesTensor, type FramePath } from './frame-path.js';

/** Frames converted inside the wrapped graph. */
export class InGraphPath implements FramePath {
  readonly note = 'uint8 frames converted inside the graph';

  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /**
   * Wraps the model at `modelPath` (then converts it to fp16 when asked: the conversion nodes run in fp16 too)
   * and loads it; throws with the reason when it cannot be wrapped, converted or loaded.
   */
  static async create(modelPath: string, spec: WrapSpec, options: ort.InferenceSession.SessionOptions, precision: Precision = 'fp32'): Promise<InGraphPath> {
    const wrapped = wrapModel(readFileSync(modelPath), spec);
    if (!wrapped.ok) throw new Error(wrapped.reason);
    const model = precision === 'fp16' ? toFloat16(wrapped.model) : wrapped;
    if (!model.ok) throw new Error(model.reason);
    return new InGraphPath(await ort.InferenceSession.create(model.model, options), spec.width, spec.height);
  }

  async run(frames: readonly Buffer[]): Promise<Buffer[]> {
    const result = await this.session.run({ [WRAPPED_INPUT]: framesTensor(frames, this.width, this.height) });
    return framesOf(result[WRAPPED_OUTPUT]!, frames.length, this.width, this.height);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
