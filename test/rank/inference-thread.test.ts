import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../common/log.js';
import { packFrames, unpackFrames } from '../../rank/inference-messages.js';
import { InferenceThread, wantsInferenceThread } from '../../rank/inference-thread.js';
import { Stylizer, type StyleModel } from '../../rank/stylizer.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { rootDir } from '../support/cli.js';

// the worker runs compiled code: `npm test` builds dist/ first
const workerUrl = new URL('../../dist/rank/inference-worker.js', import.meta.url);
const matta = join(rootDir, 'dist', 'models', 'matta.onnx');
const dir = mkdtempSync(join(tmpdir(), 'stylerun-thread-'));
const invert = join(dir, 'invert.onnx');
writeFileSync(invert, invertModel());

/** A logger that keeps its records. */
function keepingLogger(): Logger & { records: string[] } {
  const records: string[] = [];
  const at = (level: string) => (msg: string) => void records.push(`${level}: ${msg}`);
  const log = { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log, setContext: () => {} };
  return log;
}

const frame = (w: number, h: number, seed: number) => Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 7 + seed * 31) % 256));

const loaded: StyleModel[] = [];
afterEach(async () => {
  for (const m of loaded.splice(0)) await m.release();
});

describe('wantsInferenceThread', () => {
  it('puts the model on a thread of its own where the first provider is a GPU, not on the CPU provider', () => {
    expect(wantsInferenceThread(['cuda', 'webgpu', 'cpu'], {})).toBe(true);
    expect(wantsInferenceThread(['webgpu'], {})).toBe(true);
    expect(wantsInferenceThread(['cpu'], {})).toBe(false);
  });

  it('does as STYLERUN_INFERENCE_THREAD says where it is 1 or 0', () => {
    expect(wantsInferenceThread(['cpu'], { STYLERUN_INFERENCE_THREAD: '1' })).toBe(true);
    expect(wantsInferenceThread(['cuda', 'cpu'], { STYLERUN_INFERENCE_THREAD: '0' })).toBe(false);
    expect(wantsInferenceThread(['cpu'], { STYLERUN_INFERENCE_THREAD: 'yes' })).toBe(false);
  });
});

describe('packFrames', () => {
  it('moves a buffer the frames fill, once, and copies a frame that shares its buffer with other bytes', () => {
    const whole = Buffer.allocUnsafeSlow(12).fill(1);
    const batch = new Uint8Array(24).fill(2); // one output buffer, two frames
    const pooled = Buffer.from([3, 3, 3]); // a view of Node's shared pool
    const packed = packFrames([whole, batch.subarray(0, 12), batch.subarray(12), pooled]);
    expect(packed.transfer).toHaveLength(3);
    expect(packed.transfer).toContain(whole.buffer);
    expect(packed.transfer).toContain(batch.buffer);
    expect(packed.transfer).not.toContain(pooled.buffer);
    const frames = unpackFrames(packed.frames);
    expect(frames.map((f) => [...f])).toEqual([Array(12).fill(1), Array(12).fill(2), Array(12).fill(2), [3, 3, 3]]);
  });
});

describe('InferenceThread', () => {
  it('styles frames as the model loaded here does, and says the same about itself', async () => {
    const options = { modelPath: invert, device: 'cpu' as const, intraOpThreads: 1, batchSize: 2, width: 7, height: 5 };
    const here = await Stylizer.load(options, keepingLogger());
    const there = await InferenceThread.load(options, keepingLogger(), workerUrl);
    loaded.push(here, there);
    expect([there.executionProvider, there.batchSize, there.precision, there.note]).toEqual([here.executionProvider, here.batchSize, here.precision, `${here.note}; run on a thread of its own`]);
    const frames = () => [frame(7, 5, 1), frame(7, 5, 2)];
    expect((await there.run(frames())).map((f) => [...f])).toEqual((await here.run(frames())).map((f) => [...f]));
  });

  it('hands the frames it moved to the thread back once the model is done with them, for the decoder to fill again', async () => {
    const options = { modelPath: invert, device: 'cpu' as const, intraOpThreads: 1, batchSize: 2, width: 7, height: 5 };
    const there = await InferenceThread.load(options, keepingLogger(), workerUrl);
    loaded.push(there);
    // frames in buffers of their own, as the rank's decoder gives them (a small Buffer.from shares Node's pool)
    const frames = [frame(7, 5, 1), frame(7, 5, 2)].map((f) => {
      const own = Buffer.allocUnsafeSlow(f.length);
      f.copy(own);
      return own;
    });
    const spent: Buffer[] = [];
    const styled = await there.run(frames, (f) => spent.push(f));
    expect(frames.map((f) => f.length)).toEqual([0, 0]); // moved
    expect(spent.map((f) => [...f])).toEqual([frame(7, 5, 1), frame(7, 5, 2)].map((f) => [...f]));
    expect(spent.map((f) => [f.byteOffset, f.buffer.byteLength])).toEqual([[0, 105], [0, 105]]);
    for (const f of spent) f.fill(0);
    expect(styled.map((f) => [...f])).toEqual([frame(7, 5, 1), frame(7, 5, 2)].map((f) => [...f].map((v) => 255 - v)));
  });

  it("leaves the rank's JavaScript thread free while the model runs, where a session run here stops it", async () => {
    const options = { modelPath: matta, device: 'cpu' as const, intraOpThreads: 1, batchSize: 1, width: 128, height: 128 };
    const ticksDuring = async (model: StyleModel) => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 2);
      await model.run([frame(128, 128, 3)]);
      clearInterval(timer);
      return ticks;
    };
    const here = await Stylizer.load(options, keepingLogger());
    const there = await InferenceThread.load(options, keepingLogger(), workerUrl);
    loaded.push(here, there);
    expect(await ticksDuring(here)).toBe(0);
    expect(await ticksDuring(there)).toBeGreaterThanOrEqual(3);
  });

  it("passes the model's log records to the rank's logger", async () => {
    const log = keepingLogger();
    const there = await InferenceThread.load({ modelPath: invert, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 7, height: 5, precision: 'fp16' }, log, workerUrl);
    loaded.push(there);
    expect(there.precision).toBe('fp32');
    expect(log.records.join('\n')).toMatch(/warn: --precision fp16 not applied/);
  });

  it('rejects as the model loaded here would, with its message and code', async () => {
    const options = { modelPath: join(dir, 'missing.onnx'), device: 'cpu' as const, intraOpThreads: 1, batchSize: 1, width: 7, height: 5 };
    const here = await Stylizer.load(options, keepingLogger()).catch((e: Error) => e);
    const there = await InferenceThread.load(options, keepingLogger(), workerUrl).catch((e: Error) => e);
    expect(there).toBeInstanceOf(Error);
    expect({ message: (there as Error).message, code: (there as { code?: string }).code }).toEqual({ message: (here as Error).message, code: (here as { code?: string }).code });
  });

  it('loads its model whenever asked after starting ahead, and says why where the thread could not start', async () => {
    const started = InferenceThread.start(workerUrl);
    await new Promise((r) => setTimeout(r, 300)); // the rank waiting for its job meanwhile
    // a variable the job sets once it arrives (a rank started ahead gets them on stdin) reaches the thread
    process.env.STYLERUN_FRAME_PATH = 'javascript';
    const there = await started.load({ modelPath: invert, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 7, height: 5 }, keepingLogger()).finally(() => delete process.env.STYLERUN_FRAME_PATH);
    loaded.push(there);
    expect(there.note).toMatch(/frames converted in JavaScript/);
    expect((await there.run([frame(7, 5, 5)]))[0]).toHaveLength(7 * 5 * 3);
    const broken = InferenceThread.start(new URL('../../dist/rank/no-such-worker.js', import.meta.url));
    await expect(broken.load({ modelPath: invert, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 7, height: 5 }, keepingLogger())).rejects.toThrow(/no-such-worker|Cannot find module|inference thread ended/);
    InferenceThread.start(workerUrl).close(); // one that gets no model ends
  });

  it('refuses to run once released', async () => {
    const there = await InferenceThread.load({ modelPath: invert, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 7, height: 5 }, keepingLogger(), workerUrl);
    await there.release();
    await expect(there.run([frame(7, 5, 4)])).rejects.toThrow(/released/);
  });
});
