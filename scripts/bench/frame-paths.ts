// Milliseconds per frame through each frame path (in-graph with rgb24 or yuv420p frames, CPU side session, JavaScript loops) and through
// the bare model, at one frame size and batch sizes, on the CPU provider; interleaved so that drift on a
// shared machine hits every path alike; each cell is the median and, in brackets, the fastest run. Not a test: numbers for issue #7 and BENCHMARKS.md.
// Usage (after npm run build): node dist/scripts/bench/frame-paths.js [WxH] [repeats] [intraOpThreads] [models, e.g. invert]
import { cpus } from 'node:os';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { loadModelChecked, type ModelShape } from '../../models/contract.js';
import type { FramePath } from '../../rank/frame-path.js';
import { frameBytes } from '../../models/onnx/frame-format.js';
import { InGraphPath } from '../../rank/in-graph-path.js';
import { JsPath } from '../../rank/js-path.js';
import { SideSessionPath } from '../../rank/side-session-path.js';
import { framesToNchw, nchwToFrame } from '../../rank/tensor.js';
import { invertModel } from '../onnx/test-models.js';

const [width, height] = (process.argv[2] ?? '720x720').split('x').map(Number) as [number, number];
const repeats = Number(process.argv[3] ?? 15);
const threads = Number(process.argv[4] ?? 1);
const invert = join(mkdtempSync(join(tmpdir(), 'stylerun-bench-')), 'invert.onnx');
writeFileSync(invert, invertModel());
const allModels = { 'painterly-starry': new URL('../../../models/painterly-starry.onnx', import.meta.url).pathname, invert };
const wanted = process.argv[5]?.split(',') ?? Object.keys(allModels);
const models = Object.fromEntries(Object.entries(allModels).filter(([name]) => wanted.includes(name)));
const columns = ['model-only', 'js-loops-only', 'javascript', 'side-session', 'in-graph', 'in-graph-yuv420p'];
const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };

console.log(`# ${cpus()[0]?.model} x${cpus().length}, node ${process.version}, onnxruntime-node ${ort.env.versions.common}, CPU provider, ${threads} intra-op thread(s)`);
console.log(`# ${width}x${height}, ${repeats} runs after a warm-up, ms per frame: median (fastest)`);
console.log(['model'.padEnd(17), 'batch', ...columns.map((c) => c.padStart(16))].join(' '));
for (const [name, modelPath] of Object.entries(models)) {
  for (const batch of [1, 4]) {
    const { session, shape } = await loadModelChecked(modelPath, options);
    const dynamic = shape as Extract<ModelShape, { kind: 'dynamic' }>;
    const frames = Array.from({ length: batch }, (_, b) => Buffer.from(Array.from({ length: width * height * 3 }, (_, i) => (i * 31 + b * 7) % 256)));
    const paths: Record<string, FramePath> = {
      javascript: new JsPath(session, shape, width, height),
      'side-session': await SideSessionPath.create(session, dynamic, width, height, threads),
      'in-graph': await InGraphPath.create(readFileSync(modelPath), { ...dynamic, width, height }, options),
      // frames as an H.264 decoder gives them (half the bytes); timed, not compared with the RGB paths
      'in-graph-yuv420p': await InGraphPath.create(readFileSync(modelPath), { ...dynamic, width, height, format: 'yuv420p' }, options),
    };
    const yuvFrames = frames.map((f) => f.subarray(0, frameBytes('yuv420p', width, height)));
    const floats = new ort.Tensor('float32', framesToNchw(frames, width, height), [batch, 3, height, width]);
    const timings: Record<string, () => Promise<unknown>> = {
      'model-only': () => session.run({ [shape.inputName]: floats }),
      'js-loops-only': async () => {
        const t = framesToNchw(frames, width, height);
        for (let b = 0; b < batch; b++) nchwToFrame(t, b, width, height);
      },
      ...Object.fromEntries(Object.entries(paths).map(([n, p]) => [n, () => p.run(p.format === 'yuv420p' ? yuvFrames : frames)])),
    };
    const samples: Record<string, number[]> = Object.fromEntries(Object.keys(timings).map((n) => [n, []]));
    for (let r = -1; r < repeats; r++) {
      for (const [n, run] of Object.entries(timings)) {
        const t0 = performance.now();
        await run();
        if (r >= 0) samples[n]!.push((performance.now() - t0) / batch);
      }
    }
    const cells = columns.map((c) => `${median(samples[c]!).toFixed(1)} (${Math.min(...samples[c]!).toFixed(1)})`.padStart(16));
    console.log([name.padEnd(17), String(batch).padStart(5), ...cells].join(' '));
    const reference = await paths.javascript!.run(frames);
    for (const p of ['side-session', 'in-graph']) {
      const out = await paths[p]!.run(frames);
      let [differ, worst, total] = [0, 0, 0];
      out.forEach((f, b) => f.forEach((v, i) => {
        const d = Math.abs(v - reference[b]![i]!);
        [differ, worst, total] = [differ + (d > 0 ? 1 : 0), Math.max(worst, d), total + 1];
      }));
      console.log(`  ${p} vs javascript: ${differ} of ${total} bytes differ, at most by ${worst}`);
    }
    await Promise.all(Object.values(paths).map((p) => p.release()));
    await session.release();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

