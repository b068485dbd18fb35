// Runs each model on the CPU and on another provider at odd and common sizes, and prints how far the
// outputs differ and how long a frame takes: `node dist/scripts/gpu/provider-check.js webgpu model.onnx...`
import ort from 'onnxruntime-node';

const [provider = 'webgpu', ...models] = process.argv.slice(2);
// SIZES="64x48,640x480" overrides the sizes (WxH)
const sizes: Array<[number, number]> = (process.env.SIZES ?? '53x37,641x479,640x480,1280x720')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);

async function session(model: string, ep: string): Promise<ort.InferenceSession> {
  const option = ep === 'webgpu' ? ({ name: 'webgpu', preferredLayout: 'NHWC' } as ort.InferenceSession.ExecutionProviderConfig) : ep;
  return ort.InferenceSession.create(model, { executionProviders: [option] });
}

for (const model of models) {
  const cpu = await session(model, 'cpu');
  const other = await session(model, provider);
  for (const [w, h] of sizes) {
    const data = new Float32Array(3 * w * h);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) % 256; // deterministic texture
    const feeds = { [cpu.inputNames[0]]: new ort.Tensor('float32', data, [1, 3, h, w]) };
    const a = (await cpu.run(feeds))[cpu.outputNames[0]].data as Float32Array;
    await other.run(feeds); // warm-up at this size
    const runs = 10;
    const t = performance.now();
    let b: Float32Array = new Float32Array(0);
    for (let i = 0; i < runs; i++) b = (await other.run(feeds))[other.outputNames[0]].data as Float32Array;
    const ms = (performance.now() - t) / runs;
    const tc = performance.now();
    await cpu.run(feeds);
    const cpuMs = performance.now() - tc;
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(Math.min(255, Math.max(0, a[i])) - Math.min(255, Math.max(0, b[i]))));
    console.log(JSON.stringify({ model: model.split('/').pop(), provider, size: `${w}x${h}`, maxAbsDiffVsCpu: +maxDiff.toFixed(4), msPerFrame: +ms.toFixed(2), cpuMsPerFrame: +cpuMs.toFixed(1) }));
  }
  await cpu.release();
  await other.release();
}
