// The fallback for models the wrapper cannot wrap (an op the provider lacks, an old opset, an unexpected
// graph): the user's model runs as it is, and two tiny CPU sessions convert the frames before and after it.
// Each conversion is a few passes over memory in onnxruntime's C++ kernels, not a JavaScript loop.
import ort from 'onnxruntime-node';
import type { ModelShape } from '../models/contract.js';
import { conversionModels, TO_PACK, UNPACKED } from '../models/onnx/conversion-models.js';
import { WRAPPED_INPUT, WRAPPED_OUTPUT } from '../models/onnx/wrap-model.js';
import type { FrameFormat, YuvMatrix } from '../models/onnx/frame-format.js';
import { framesOf, framesTensor, type FramePath } from './frame-path.js';

/** Frames converted by CPU side sessions around the unwrapped model. */
export class SideSessionPath implements FramePath {
  private constructor(
    private readonly model: ort.InferenceSession,
    private readonly shape: Extract<ModelShape, { kind: 'dynamic' }>,
    private readonly unpack: ort.InferenceSession,
    private readonly pack: ort.InferenceSession,
    private readonly width: number,
    private readonly height: number,
    readonly format: FrameFormat,
  ) {}

  get note(): string {
    return `${this.format} frames converted by a CPU side session`;
  }

  static async create(
    model: ort.InferenceSession,
    shape: Extract<ModelShape, { kind: 'dynamic' }>,
    width: number,
    height: number,
    intraOpThreads: number,
    format: FrameFormat = 'rgb24',
    matrix: YuvMatrix = 'bt601',
  ): Promise<SideSessionPath> {
    const bytes = conversionModels({ width, height, multiple: shape.multiple }, format, matrix);
    const options: ort.InferenceSession.SessionOptions = {
      executionProviders: ['cpu'],
      intraOpNumThreads: intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
    };
    const unpack = await ort.InferenceSession.create(bytes.unpack, options);
    try {
      return new SideSessionPath(model, shape, unpack, await ort.InferenceSession.create(bytes.pack, options), width, height, format);
    } catch (e) {
      await unpack.release();
      throw e;
    }
  }

  async run(frames: readonly Buffer[]): Promise<Buffer[]> {
    const input = (await this.unpack.run({ [WRAPPED_INPUT]: framesTensor(frames, this.width, this.height, this.format) }))[UNPACKED]!;
    const styled = (await this.model.run({ [this.shape.inputName]: input }))[this.shape.outputName]!;
    const packed = (await this.pack.run({ [TO_PACK]: styled }))[WRAPPED_OUTPUT]!;
    return framesOf(packed, frames.length, this.width, this.height, this.format);
  }

  async release(): Promise<void> {
    await Promise.all([this.unpack.release(), this.pack.release()]);
  }
}
