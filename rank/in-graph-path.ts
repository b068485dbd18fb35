// The fast path: the user's model wrapped with conversion nodes (models/onnx/wrap-model.ts), so one uint8
// tensor goes in and one comes out, and the provider (the GPU where there is one) converts the pixels.
import ort from 'onnxruntime-node';
import type { FrameFormat } from '../models/onnx/frame-format.js';
import { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT, type WrapSpec } from '../models/onnx/wrap-model.js';
import { framesOf, framesTensor, type FramePath } from './frame-path.js';

/** Frames converted inside the wrapped graph. */
export class InGraphPath implements FramePath {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly width: number,
    private readonly height: number,
    readonly format: FrameFormat,
  ) {}

  get note(): string {
    return `uint8 ${this.format} frames converted inside the graph`;
  }

  /**
   * Wraps `model` (a serialized model that keeps the contract: fp32, or already converted to fp16, whose
   * float32 input and output stay) and loads it; throws with the reason when it cannot be wrapped or loaded.
   */
  static async create(model: Uint8Array, spec: WrapSpec, options: ort.InferenceSession.SessionOptions): Promise<InGraphPath> {
    const wrapped = wrapModel(model, spec);
    if (!wrapped.ok) throw new Error(wrapped.reason);
    return new InGraphPath(await ort.InferenceSession.create(wrapped.model, options), spec.width, spec.height, spec.format ?? 'rgb24');
  }

  async run(frames: readonly Buffer[]): Promise<Buffer[]> {
    const result = await this.session.run({ [WRAPPED_INPUT]: framesTensor(frames, this.width, this.height, this.format) });
    return framesOf(result[WRAPPED_OUTPUT]!, frames.length, this.width, this.height, this.format);
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
