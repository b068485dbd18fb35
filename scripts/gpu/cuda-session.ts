// The bare CUDA session, tuned one lever at a time (issue #7): ms per frame of one model at each size, for
// the model as the user gave it (float32 [N,3,H,W] host tensors in and out: "untuned"), converted to fp16,
// wrapped with the in-graph uint8 conversion (what a rank runs), and both, at batch 1 and 4.
//   node dist/scripts/gpu/cuda-session.js MODEL.onnx [cuda|webgpu|cpu]     (SIZES=720x720,1280x720 RUNS=20)
// Prints one JSON line per variant. onnxruntime-node's CUDA options are deviceId only: cuDNN's algorithm
// search stays at the provider's default (exhaustive), and its IO binding is for WebGPU buffers only, so
// neither can be tried from Node; see BENCHMARKS.md.
import { readFileSync } from 'node:fs';
import ort from 'onnxruntime-node';
import { inspectModel } from '../../models/contract.js';
import { readModelMetadata } from '../../models/model-metadata.js';
import { toFloat16 } from '../../models/onnx/float16.js';
import { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT } from '../../models/onnx/wrap-model.js';

const [modelPath = 'dist/models/matta.onnx', provider = 'cuda'] = process.argv.slice(2);
const sizes = (process.env.SIZES ?? '720x720,1280x720').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const runs = Number(process.env.RUNS ?? 20);
const bytes = readFileSync(modelPath);
const options: ort.InferenceSession.SessionOptions = { executionProviders: [provider], graphOptimizationLevel: 'all' };

const probe = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
const shape = inspectModel(probe, { modelPath, metadata: readModelMetadata(bytes) });
await probe.release();
if (shape.kind !== 'dynamic') throw new Error('this bench wants a model with a dynamic frame size');

function model(variant: { uint8: boolean; fp16: boolean }, w: number, h: number): Uint8Array {
  let m: Uint8Array = bytes;
  if (variant.uint8) {
    const wrapped = wrapModel(m, { ...shape, width: w, height: h, batch: 'dynamic' } as Parameters<typeof wrapModel>[1]);
    if (!wrapped.ok) throw new Error(wrapped.reason);
    m = wrapped.model;
  }
  if (variant.fp16) {
    const half = toFloat16(m);
    if (!half.ok) throw new Error(half.reason);
    m = half.model;
  }
  return m;
}

// The same frames either way: uint8 HWC for the wrapped model, float32 NCHW for the model as given.
function feeds(variant: { uint8: boolean }, batch: number, w: number, h: number): Record<string, ort.Tensor> {
  const hwc = new Uint8Array(batch * h * w * 3);
  for (let i = 0; i < hwc.length; i++) hwc[i] = (i * 7919) % 256;
  if (variant.uint8) return { [WRAPPED_INPUT]: new ort.Tensor('uint8', hwc, [batch, h, w, 3]) };
  const nchw = new Float32Array(hwc.length);
  const plane = w * h;
  for (let n = 0; n < batch; n++) for (let i = 0; i < plane; i++) for (let c = 0; c < 3; c++) nchw[(n * 3 + c) * plane + i] = hwc[(n * plane + i) * 3 + c]!;
  return { [shape.inputName]: new ort.Tensor('float32', nchw, [batch, 3, h, w]) };
}

// Output as 0..255 bytes in HWC order for frame 0, to compare variants with each other.
function pixels(out: ort.Tensor, uint8: boolean, w: number, h: number): Uint8Array {
  if (uint8) return (out.data as Uint8Array).subarray(0, w * h * 3);
  const f = out.data as Float32Array;
  const px = new Uint8Array(w * h * 3);
  for (let c = 0; c < 3; c++) for (let i = 0; i < w * h; i++) px[i * 3 + c] = Math.round(Math.min(255, Math.max(0, f[c * w * h + i]!)));
  return px;
}

const variants = [
  { name: 'float32 in/out, fp32 (untuned)', uint8: false, fp16: false },
  { name: 'float32 in/out, fp16', uint8: false, fp16: true },
  { name: 'uint8 in/out (in-graph), fp32', uint8: true, fp16: false },
  { name: 'uint8 in/out (in-graph), fp16', uint8: true, fp16: true },
];
for (const [w, h] of sizes) {
  let reference: Uint8Array | undefined;
  for (const variant of variants) {
    for (const batch of [1, 4]) {
      try {
        const t0 = performance.now();
        const session = await ort.InferenceSession.create(model(variant, w, h), options);
        const created = performance.now() - t0;
        const input = feeds(variant, batch, w, h);
        const output = variant.uint8 ? WRAPPED_OUTPUT : shape.outputName;
        const t1 = performance.now();
        let out = (await session.run(input))[output]!;
        const first = performance.now() - t1;
        for (let i = 0; i < 2; i++) await session.run(input);
        const t2 = performance.now();
        for (let i = 0; i < runs; i++) out = (await session.run(input))[output]!;
        const ms = (performance.now() - t2) / runs / batch;
        const px = pixels(out, variant.uint8, w, h);
        reference ??= px;
        let maxDiff = 0;
        let sq = 0;
        for (let i = 0; i < px.length; i++) {
          const d = px[i]! - reference[i]!;
          maxDiff = Math.max(maxDiff, Math.abs(d));
          sq += d * d;
        }
        const psnr = sq === 0 ? Infinity : 10 * Math.log10((255 * 255) / (sq / px.length));
        console.log(JSON.stringify({ provider, size: `${w}x${h}`, variant: variant.name, batch, msPerFrame: +ms.toFixed(2), createMs: Math.round(created), firstRunMs: Math.round(first), maxDiffVsUntuned: maxDiff, psnrVsUntunedDb: +psnr.toFixed(1) }));
        await session.release();
      } catch (e) {
        console.log(JSON.stringify({ provider, size: `${w}x${h}`, variant: variant.name, batch, error: (e as Error).message.split('\n')[0] }));
      }
    }
  }
}
