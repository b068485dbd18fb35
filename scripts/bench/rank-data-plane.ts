// A rank's data plane on its own, in one process: the decoder (rank/frame-reader.ts) → the model on the CPU
// provider → a sink process that only reads (cat), frame after frame, with the frame buffers taken from a pool the
// model's run refills (as a rank does) or new for every frame. Prints CPU, system time and minor page faults per
// frame of this process, interleaved runs. Not a test: numbers for BENCHMARKS.md ("Frame buffers used again").
// Usage (after npm run build): node dist/scripts/bench/rank-data-plane.js INPUT MODEL [frames] [rounds]
//   e.g. the reference workload and the invert model of scripts/bench/workload.sh
import { spawn } from 'node:child_process';
import type { Logger } from '../../common/log.js';
import { frameBytes } from '../../models/onnx/frame-format.js';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import { FramePool } from '../../rank/frame-pool.js';
import { FrameReader } from '../../rank/frame-reader.js';
import { Stylizer } from '../../rank/stylizer.js';

const [input, modelPath] = process.argv.slice(2, 4);
if (!input || !modelPath) {
  console.error('usage: node dist/scripts/bench/rank-data-plane.js INPUT MODEL [frames] [rounds]');
  process.exit(2);
}
const info = await probeVideo(input);
const frames = Math.min(Number(process.argv[4] ?? 400), info.pts.length);
const rounds = Number(process.argv[5] ?? 2);
const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log, setContext() {} };
const { width, height } = info;
const model = await Stylizer.load({ modelPath, device: 'cpu', intraOpThreads: 1, batchSize: 1, width, height, frameFormat: 'yuv420p' }, log);

async function once(pooled: boolean): Promise<string> {
  const pool = pooled ? new FramePool(frameBytes(model.frameFormat, width, height), 8) : undefined;
  const sink = spawn('cat', [], { stdio: ['pipe', 'ignore', 'inherit'] });
  const reader = new FrameReader({ input: input!, start: 0, count: frames, seekSeconds: 0, trimSeconds: -1, width, height, format: model.frameFormat }, 4, pool);
  const faults0 = process.resourceUsage().minorPageFault;
  const cpu0 = process.cpuUsage();
  for (let f = await reader.next(); f; f = await reader.next()) {
    const [styled] = await model.run([f], pool && ((spent) => pool.give(spent)));
    if (!sink.stdin.write(styled!)) await new Promise((resolve) => sink.stdin.once('drain', resolve));
  }
  reader.close();
  sink.stdin.end();
  await new Promise((resolve) => sink.on('close', resolve));
  const cpu = process.cpuUsage(cpu0);
  const per = (x: number) => (x / frames).toFixed(2);
  return `${pooled ? 'pool' : 'new buffers'}: CPU ${per((cpu.user + cpu.system) / 1000)} ms/frame (system ${per(cpu.system / 1000)}), minor faults ${per(process.resourceUsage().minorPageFault - faults0)}/frame`;
}

console.log(`# ${width}x${height} ${model.frameFormat}, ${frames} frames, ${model.note}`);
for (let r = 0; r < rounds; r++) for (const pooled of [false, true]) console.log(await once(pooled));
await model.release();
