import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../common/log.js';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { packageRoot } from '../../common/paths.js';
import { InGraphPath } from '../../rank/in-graph-path.js';
import { toFloat16 } from '../../models/onnx/float16.js';
import { Stylizer } from '../../rank/stylizer.js';
import { fixedSizeModel, invertModel, paddingInvertModel, trimmingModel } from '../../scripts/onnx/test-models.js';
import { dataDir } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-stylizer-'));
const log = createLogger('test', () => {});
const frame = (w: number, h: number) => Buffer.from(Array.from({ length: w * h * 3 }, (_, i) => (i * 37) % 256));

describe('the stylizer', () => {
  it('styles a batch at the native size of a dynamic model', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 3, width: 7, height: 5 }, log);
    const frames = [frame(7, 5), frame(7, 5).reverse()];
    const spent: Buffer[] = [];
    const out = await s.run(frames, (f) => spent.push(f));
    expect(out.map((f) => [...f])).toEqual(frames.map((f) => [...f].map((v) => 255 - v)));
    // the inputs, once run, are the caller's to fill again: no styled frame shares their bytes
    expect(spent).toEqual(frames);
    expect(spent[0]).toBe(frames[0]);
    for (const f of frames) f.fill(7);
    expect(out.map((f) => [...f])).toEqual([frame(7, 5), frame(7, 5).reverse()].map((f) => [...f].map((v) => 255 - v)));
    expect(s.executionProvider).toBe('cpu');
    expect(s.note).toBe('dynamic input at native size; uint8 rgb24 frames converted inside the graph');
    await s.release();
  });

  it.each([
    ['inside the graph', 'invert.onnx', invertModel(), 'uint8 yuv420p frames converted inside the graph'],
    ['in a CPU side session when the model cannot be wrapped (opset 8)', 'invert-8.onnx', invertModel(8), 'yuv420p frames converted by a CPU side session'],
  ])('takes yuv420p frames where the job allows them, converted %s, and says so', async (_, name, bytes, note) => {
    const model = join(dir, name);
    writeFileSync(model, bytes);
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 2, width: 8, height: 6, frameFormat: 'yuv420p' }, log);
    expect([s.frameFormat, s.note]).toEqual(['yuv420p', `dynamic input at native size; ${note}`]);
    // mid grey (Y 126, neutral chroma) inverts to the grey just past it: Y 251 - 126
    const [out] = await s.run([Buffer.concat([Buffer.alloc(48, 126), Buffer.alloc(24, 128)])]);
    expect([...out!]).toEqual([...Array(48).fill(125), ...Array(24).fill(128)]);
    await s.release();
  });

  it('keeps rgb24 where frames are converted in JavaScript (a fixed-size model) or STYLERUN_FRAME_FORMAT=rgb24 asks', async () => {
    const fixed = join(dir, 'fixed-16.onnx');
    writeFileSync(fixed, fixedSizeModel(16));
    const f = await Stylizer.load({ modelPath: fixed, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 40, height: 30, frameFormat: 'yuv420p' }, log);
    expect(f.frameFormat).toBe('rgb24');
    await f.release();
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    process.env.STYLERUN_FRAME_FORMAT = 'rgb24';
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 8, height: 6, frameFormat: 'yuv420p' }, log).finally(() => delete process.env.STYLERUN_FRAME_FORMAT);
    expect([s.frameFormat, s.note]).toEqual(['rgb24', 'dynamic input at native size; uint8 rgb24 frames converted inside the graph']);
    await s.release();
  });

  it('loads one session, the wrapped model, when frames are converted inside the graph', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const create = vi.spyOn(ort.InferenceSession, 'create');
    try {
      const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 7, height: 5 }, log);
      expect(s.note).toMatch(/converted inside the graph/);
      expect(create).toHaveBeenCalledTimes(1);
      expect((await create.mock.results[0]!.value).inputNames).toEqual(['frames_u8']);
      await s.release();
    } finally {
      create.mockRestore();
    }
  });

  it('reads frames that are views into a larger buffer at odd offsets and gives views of one output back', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 3, width: 7, height: 5 }, log);
    const pool = frame(7 * 3 + 1, 5);
    const frames = [1, 106, 211].map((at) => pool.subarray(at, at + 7 * 5 * 3));
    const out = await s.run(frames);
    expect(out.map((f) => [...f])).toEqual(frames.map((f) => [...f].map((v) => 255 - v)));
    expect(out[1]!.buffer).toBe(out[0]!.buffer);
    await s.release();
  });

  it('converts frames in a CPU side session when the model cannot be wrapped (opset 8) and says so', async () => {
    const model = join(dir, 'invert-8.onnx');
    writeFileSync(model, invertModel(8));
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 2, width: 7, height: 5 }, log);
    expect(s.note).toBe('dynamic input at native size; rgb24 frames converted by a CPU side session');
    const frames = [frame(7, 5), frame(7, 5).reverse()];
    expect((await s.run(frames)).map((f) => [...f])).toEqual(frames.map((f) => [...f].map((v) => 255 - v)));
    await s.release();
  });

  it('falls back to JavaScript for a model whose output is smaller than the frame, and says so', async () => {
    const model = join(dir, 'trimming.onnx');
    writeFileSync(model, trimmingModel());
    const lines: string[] = [];
    const wrapped = vi.spyOn(InGraphPath, 'create');
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 40, height: 30 }, createLogger('test', (l) => lines.push(l)));
    // the in-graph path is loaded once: its failure is said, not tried again
    expect(wrapped).toHaveBeenCalledTimes(1);
    wrapped.mockRestore();
    expect(lines.filter((l) => l.includes('frame path in-graph unavailable, trying side-session'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('frame path side-session unavailable, trying javascript'))).toHaveLength(1);
    expect(s.note).toBe('dynamic input at native size; frames converted in JavaScript');
    const [out] = await s.run([Buffer.alloc(40 * 30 * 3, 90)]);
    expect(out).toHaveLength(40 * 30 * 3);
    expect(out!.every((v) => v === 90)).toBe(true);
    await s.release();
  });

  it('resizes frames in and out of a fixed-size model and says so', async () => {
    const model = join(dir, 'fixed.onnx');
    writeFileSync(model, fixedSizeModel(16));
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 4, width: 40, height: 30 }, log);
    expect(s.note).toMatch(/fixed 16x16 input: frames are resized in and out/);
    expect(s.batchSize).toBe(1); // the model's batch dim is fixed at 1
    const [out] = await s.run([Buffer.alloc(40 * 30 * 3, 200)]);
    expect(out).toHaveLength(40 * 30 * 3);
    expect(out.every((v) => v === 200)).toBe(true);
    await s.release();
  });

  it('crops back the output of a model that pads frames up to its stride', async () => {
    const model = join(dir, 'padding.onnx');
    writeFileSync(model, paddingInvertModel(3));
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 53, height: 37 }, log);
    const input = frame(53, 37);
    const [out] = await s.run([input]);
    expect([...out]).toEqual([...input].map((v) => 255 - v));
    await s.release();
  });

  it('runs a trained model that pads odd sizes internally (mobile-style at 53x37)', async () => {
    const model = join(dataDir, 'models', 'mobile-style.onnx');
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', intraOpThreads: 1, batchSize: 1, width: 53, height: 37 }, log);
    const [out] = await s.run([frame(53, 37)]);
    expect(out).toHaveLength(53 * 37 * 3);
    await s.release();
  });

  it('keeps the model in fp32 on the CPU when fp16 is asked for, and says why', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const lines: string[] = [];
    const s = await Stylizer.load({ modelPath: model, device: 'cpu', precision: 'fp16', intraOpThreads: 1, batchSize: 1, width: 7, height: 5 }, createLogger('test', (l) => lines.push(l)));
    expect(s.precision).toBe('fp32');
    expect(lines.join('')).toContain('--precision fp16 not applied: the cpu provider has no fp16 kernels, so the model runs in fp32');
    await s.release();
  });

  it('runs matta converted to fp16, then wrapped, within 40 dB of fp32 on a real frame', async () => {
    const matta = join(packageRoot(), 'dist', 'models', 'matta.onnx');
    const [width, height] = [96, 64];
    const jpeg = join(dataDir, 'styles', 'starry-night.jpg');
    const picture = execFileSync(ffmpegPath(), ['-v', 'error', '-i', jpeg, '-vf', `scale=${width}:${height}`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
    const spec = { inputName: 'input', outputName: 'output', width, height, multiple: 4, batch: 'dynamic' as const };
    const styled = async (precision: 'fp32' | 'fp16') => {
      const bytes = readFileSync(matta);
      const half = toFloat16(bytes);
      if (!half.ok) throw new Error(half.reason);
      const path = await InGraphPath.create(precision === 'fp16' ? half.model : bytes, spec, {});
      const [out] = await path.run([picture]);
      await path.release();
      return out!;
    };
    const [full, half] = [await styled('fp32'), await styled('fp16')];
    const mse = full.reduce((se, v, i) => se + (v - half[i]!) ** 2, 0) / full.length;
    expect(mse).toBeGreaterThan(0); // the arithmetic did change
    expect(10 * Math.log10((255 * 255) / mse)).toBeGreaterThan(40);
  });
});
