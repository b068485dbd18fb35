// The last resort, and the path for fixed-size models (which need a resize in and out): today's JavaScript
// loops in rank/tensor.ts, about 33 ms a 720x720 frame, against a few ms for the other paths.
import ort from 'onnxruntime-node';
import type { ModelShape } from '../models/contract.js';
import type { FramePath } from './frame-path.js';
import { framesToNchw, nchwToFrame, resizeRgb } from './tensor.js';

/** Frames converted (and resized, for fixed-size models) in JavaScript. */
export class JsPath implements FramePath {
  readonly note = 'frames converted in JavaScript';
  /** JavaScript loops convert packed RGB only. */
  readonly format = 'rgb24';

  constructor(
    private readonly model: ort.InferenceSession,
    private readonly shape: ModelShape,
    private readonly width: number,
    private readonly height: number,
  ) {}

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
    const output = (await this.model.run(feeds))[this.shape.outputName]!;
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

  async release(): Promise<void> {}
}
