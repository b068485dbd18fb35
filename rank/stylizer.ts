// One loaded style model on one execution provider: frames in, styled frames out, in batches.
import ort from 'onnxruntime-node';
import { loadModelChecked, type CheckedModel, type ModelShape } from '../models/contract.js';
import { machineFacts, providerCandidates, type DeviceChoice } from '../common/device.js';
import type { Logger } from '../common/log.js';
import { ProviderError } from './provider-error.js';
import { framesToNchw, nchwToFrame, resizeRgb } from './tensor.js';

/** What a Stylizer needs to load. */
export interface StylizerOptions {
  modelPath: string;
  device: DeviceChoice;
  intraOpThreads: number;
  batchSize: number;
  width: number;
  height: number;
}

function providerOption(name: string): ort.InferenceSession.ExecutionProviderConfig {
  // NHWC was the fastest layout for the WebGPU provider on an H100 (../shared/gpu/README.md)
  if (name === 'webgpu') return { name: 'webgpu', preferredLayout: 'NHWC' } as ort.InferenceSession.ExecutionProviderConfig;
  return name;
}

/** A style model ready to run. */
export class Stylizer {
  private constructor(
    private readonly session: ort.InferenceSession,
    private readonly shape: ModelShape,
    readonly executionProvider: string,
    readonly batchSize: number,
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** Loads the model on the best provider `device` allows, checks the contract and warms it up. */
  static async load(opts: StylizerOptions, log: Logger): Promise<Stylizer> {
    const candidates = providerCandidates(opts.device, machineFacts());
    let lastError: unknown;
    for (const provider of candidates) {
      let checked: CheckedModel;
      try {
        checked = await loadModelChecked(opts.modelPath, {
          executionProviders: [providerOption(provider)],
          intraOpNumThreads: opts.intraOpThreads,
          interOpNumThreads: 1,
          graphOptimizationLevel: 'all',
        });
      } catch (e) {
        // The launcher checked the model on the CPU before any rank started, so a failure on another
        // provider is the provider's (no adapter, no driver), not the model's.
        if (provider === 'cpu') throw e;
        lastError = e;
        if (candidates.length > 1) log.debug(`provider ${provider} unavailable`, { reason: (e as Error).message.split('\n')[0] });
        continue;
      }
      const { session, shape } = checked;
      const batch = shape.kind === 'fixed' && shape.batch !== 'dynamic' ? shape.batch : Math.max(1, opts.batchSize);
      const stylizer = new Stylizer(session, shape, provider, batch, opts.width, opts.height);
      await stylizer.run([Buffer.alloc(opts.width * opts.height * 3)]);
      return stylizer;
    }
    throw new ProviderError(candidates, lastError);
  }

  /** A one-line note on how frames meet the model, e.g. that a fixed-size model gets resized frames. */
  get note(): string {
    if (this.shape.kind === 'fixed') return `fixed ${this.shape.width}x${this.shape.height} input: frames are resized in and out`;
    return this.shape.multiple > 1 ? `dynamic input, padded to a multiple of ${this.shape.multiple}` : 'dynamic input at native size';
  }

  /** Styles up to batchSize frames (RGB24, width x height); returns them in the same order. */
  async run(frames: readonly Buffer[]): Promise<Buffer[]> {
    const { width: w, height: h } = this;
    let inW: number, inH: number, input: Float32Array;
    if (this.shape.kind === 'fixed') {
      inW = this.shape.width;
      inH = this.shape.height;
      input = framesToNchw(frames.map((f) => resizeRgb(f, w, h, inW, inH)), inW, inH);
    } else {
      const m = this.shape.multiple;
      inW = Math.ceil(w / m) * m;
      inH = Math.ceil(h / m) * m;
      input = framesToNchw(frames, w, h, inW, inH);
    }
    const feeds = { [this.shape.inputName]: new ort.Tensor('float32', input, [frames.length, 3, inH, inW]) };
    const result = await this.session.run(feeds);
    const output = result[this.shape.outputName];
    const data = output.data as Float32Array;
    // Trust the output's own size: some models pad internally to their stride (a 53x37 frame comes
    // back 56x40) or trim; a larger output is cropped top-left, anything else is resized back.
    const outH = Number(output.dims[2]);
    const outW = Number(output.dims[3]);
    const crop = this.shape.kind === 'dynamic' && outW >= w && outH >= h;
    const out: Buffer[] = [];
    for (let b = 0; b < frames.length; b++) {
      if (crop) out.push(nchwToFrame(data, b, w, h, outW, outH));
      else out.push(resizeRgb(nchwToFrame(data, b, outW, outH), outW, outH, w, h));
    }
    output.dispose?.();
    return out;
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
