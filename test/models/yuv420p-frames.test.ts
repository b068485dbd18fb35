import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { conversionModels, TO_PACK, UNPACKED } from '../../models/onnx/conversion-models.js';
import { frameBytes, rgbToYuv, rgbToYuvWith, yuvToRgb, yuvToRgbWith, type YuvMatrix } from '../../models/onnx/frame-format.js';
import { wrapModel, WRAPPED_INPUT, WRAPPED_OUTPUT, type WrapSpec } from '../../models/onnx/wrap-model.js';
import { affineModel, invertModel, nanModel } from '../../scripts/onnx/test-models.js';
import { dataDir } from '../support/cli.js';

const spec = (width: number, height: number, multiple = 1): WrapSpec => ({
  inputName: 'input', outputName: 'output', width, height, multiple, batch: 'dynamic', format: 'yuv420p',
});

/**
 * BT.601 limited range as the textbooks print it (Rec. 601's rounded 8-bit coefficients), written out here
 * independently of models/onnx/frame-format.ts, which derives its matrices from Kr and Kb.
 */
function textbookYuv(r: number, g: number, b: number): [number, number, number] {
  return [
    16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255,
    128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255,
    128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255,
  ];
}

/**
 * n yuv420p frames whose 2x2 blocks are each one colour from inside the RGB cube, so that 4:2:0 holds them
 * exactly: the colour of block k is `colour(k)` (RGB 0..255).
 */
function blockFrames(n: number, width: number, height: number, colour: (k: number) => [number, number, number]): Uint8Array {
  const [luma, quarter] = [width * height, (width * height) / 4];
  const out = new Uint8Array(n * frameBytes('yuv420p', width, height));
  for (let f = 0; f < n; f++) {
    const base = f * frameBytes('yuv420p', width, height);
    for (let by = 0; by < height / 2; by++) {
      for (let bx = 0; bx < width / 2; bx++) {
        const k = f * quarter + by * (width / 2) + bx;
        const [y, u, v] = textbookYuv(...colour(k)).map(Math.round) as [number, number, number];
        for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]] as const) out[base + (2 * by + dy) * width + 2 * bx + dx] = y;
        out[base + luma + by * (width / 2) + bx] = u;
        out[base + luma + quarter + by * (width / 2) + bx] = v;
      }
    }
  }
  return out;
}

const varied = (k: number): [number, number, number] => [(k * 97 + 13) % 256, (k * 61 + 200) % 256, (k * 29 + 77) % 256];

async function runWrapped(model: Uint8Array, s: WrapSpec, input: Uint8Array): Promise<Uint8Array> {
  const wrapped = wrapModel(model, s);
  if (!wrapped.ok) throw new Error(wrapped.reason);
  const session = await InferenceSession.create(wrapped.model);
  const bytes = frameBytes('yuv420p', s.width, s.height);
  const n = input.length / bytes;
  const out = (await session.run({ [WRAPPED_INPUT]: new Tensor('uint8', input, [n, bytes]) }))[WRAPPED_OUTPUT]!;
  expect(out.type).toBe('uint8');
  expect(out.dims).toEqual([n, bytes]);
  await session.release();
  return out.data as Uint8Array;
}

/** The largest difference between two byte arrays of one length. */
function worst(a: Uint8Array, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i]! - b[i]!));
  return most;
}

/** The first frame of a real video, as ffmpeg decodes it, in `pixFmt`. */
function ffmpegFrame(file: string, pixFmt: string): Buffer {
  return execFileSync(ffmpegPath(), ['-v', 'error', '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pixFmt, '-'], { maxBuffer: 1 << 26 });
}

describe('the BT.601 matrices', () => {
  it('are each other\'s inverse, match the textbook forward one, and give R, G and B the same multiple of Y', () => {
    for (const [r, g, b] of [[0, 0, 0], [255, 255, 255], [255, 0, 0], [12, 200, 99]] as const) {
      const yuv = [0, 1, 2].map((i) => rgbToYuv.matrix[3 * i]! * r + rgbToYuv.matrix[3 * i + 1]! * g + rgbToYuv.matrix[3 * i + 2]! * b + rgbToYuv.offset[i]!);
      textbookYuv(r, g, b).forEach((v, i) => expect(yuv[i]).toBeCloseTo(v, 2));
      const back = [0, 1, 2].map((i) => yuvToRgb.matrix[3 * i]! * yuv[0]! + yuvToRgb.matrix[3 * i + 1]! * yuv[1]! + yuvToRgb.matrix[3 * i + 2]! * yuv[2]! + yuvToRgb.offset[i]!);
      [r, g, b].forEach((v, i) => expect(back[i]).toBeCloseTo(v, 9));
    }
    // the in-graph conversion scales Y once for all three (models/onnx/frame-nodes.ts unpackYuv420)
    expect(yuvToRgb.matrix[3]).toBeCloseTo(yuvToRgb.matrix[0]!, 12);
    expect(yuvToRgb.matrix[6]).toBeCloseTo(yuvToRgb.matrix[0]!, 12);
    expect(yuvToRgb.matrix[0]).toBeCloseTo(255 / 219, 12);
  });
});

describe('the BT.709 matrices', () => {
  it('match the textbook BT.709 limited-range coefficients and are each other\'s inverse', () => {
    // Rec. 709's 8-bit coefficients as printed, independent of the Kr/Kb derivation
    const textbook = (r: number, g: number, b: number) => [
      16 + (46.559 * r + 156.629 * g + 15.812 * b) / 255,
      128 + (-25.664 * r - 86.336 * g + 112.0 * b) / 255,
      128 + (112.0 * r - 101.730 * g - 10.270 * b) / 255,
    ];
    const [fwd, back] = [rgbToYuvWith('bt709'), yuvToRgbWith('bt709')];
    const apply = (a: typeof fwd, v: number[]) => [0, 1, 2].map((i) => a.matrix[3 * i]! * v[0]! + a.matrix[3 * i + 1]! * v[1]! + a.matrix[3 * i + 2]! * v[2]! + a.offset[i]!);
    for (const rgb of [[0, 0, 0], [255, 255, 255], [255, 0, 0], [12, 200, 99]]) {
      const yuv = apply(fwd, rgb);
      textbook(rgb[0]!, rgb[1]!, rgb[2]!).forEach((v, i) => expect(yuv[i]).toBeCloseTo(v, 2));
      apply(back, yuv).forEach((v, i) => expect(v).toBeCloseTo(rgb[i]!, 9));
    }
    // and they are not BT.601's: red's luma differs by more than 10 levels
    expect(apply(fwd, [255, 0, 0])[0]! - apply(rgbToYuv, [255, 0, 0])[0]!).toBeLessThan(-10);
  });
});

describe('a model wrapped for yuv420p frames', () => {
  // Resize arrived in 10 (Upsample before it) and took a roi input in 11; Slice took inputs in 10, Clip in 11
  it.each([9, 10, 11, 17])('gives back a 2-frame batch inverted exactly as YCbCr inverts (Y 251 - Y, Cb and Cr 256 - C) at opset %i', async (opset) => {
    const input = blockFrames(2, 54, 38, varied);
    const out = await runWrapped(invertModel(opset), spec(54, 38), input);
    const luma = 54 * 38;
    const exact = input.map((v, i) => (i % ((luma * 3) / 2) < luma ? 251 - v : 256 - v));
    expect(worst(out, exact)).toBeLessThanOrEqual(1);
  });

  it('gives back what it was given through a model that changes nothing', async () => {
    const input = blockFrames(1, 64, 48, varied);
    expect(worst(await runWrapped(affineModel(1, 0), spec(64, 48), input), input)).toBeLessThanOrEqual(1);
  });

  it('pads the frame by its edge to the model multiple and crops it back', async () => {
    const input = blockFrames(1, 54, 38, varied);
    const luma = 54 * 38;
    const exact = input.map((v, i) => (i < luma ? 251 - v : 256 - v));
    expect(worst(await runWrapped(invertModel(), spec(54, 38, 16), input), exact)).toBeLessThanOrEqual(1);
  });

  it.each([9, 17])('clips the model output to 0..255 in RGB and turns NaN into black (Y 16, Cb and Cr 128) at opset %i', async (opset) => {
    const greys = [0, 99, 100, 101, 200, 255];
    const input = blockFrames(1, 12, 2, (k) => [greys[k]!, greys[k]!, greys[k]!]);
    const out = await runWrapped(affineModel(3, -300, opset), spec(12, 2), input);
    const clipped = greys.map((g) => Math.min(255, Math.max(0, 3 * g - 300)));
    const expected = blockFrames(1, 12, 2, (k) => [clipped[k]!, clipped[k]!, clipped[k]!]);
    expect(worst(out, expected)).toBeLessThanOrEqual(1);
    const black = await runWrapped(nanModel(opset), spec(12, 2), input);
    expect([...black]).toEqual([...Array(24).fill(16), ...Array(12).fill(128)]);
  });

  it('refuses a frame with an odd side, which 4:2:0 cannot hold', () => {
    expect(wrapModel(invertModel(), spec(53, 38))).toEqual({ ok: false, reason: '53x38 frames cannot be yuv420p' });
  });
});

// The model must see the pixels it would have seen through ffmpeg's own rgb24, and ffmpeg's encoder must get the
// planes it would have made from the model's RGB: compared with ffmpeg itself on real video.
/** How far the graph's RGB (with `matrix`) of `file`'s first yuv420p frame lies from ffmpeg's own rgb24: the largest and mean difference. */
async function unpackedAgainstFfmpeg(file: string, width: number, height: number, matrix: YuvMatrix): Promise<{ largest: number; mean: number }> {
    const { unpack } = conversionModels({ width, height, multiple: 1 }, 'yuv420p', matrix);
    const session = await InferenceSession.create(unpack);
    const yuv = ffmpegFrame(file, 'yuv420p');
    const planar = (await session.run({ [WRAPPED_INPUT]: new Tensor('uint8', yuv, [1, yuv.length]) }))[UNPACKED]!.data as Float32Array;
    await session.release();
    const rgb = ffmpegFrame(file, 'rgb24');
    let [largest, total] = [0, 0];
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) {
        const d = Math.abs(Math.round(planar[c * width * height + i]!) - rgb[i * 3 + c]!);
        [largest, total] = [Math.max(largest, d), total + d];
      }
    }
    return { largest, mean: total / (width * height * 3) };
}

describe('the yuv420p conversion against ffmpeg', () => {
  it.each([
    // friday's 640x480 goes through swscale's unscaled converter (each chroma sample over its 2x2 block, as here);
    // flower's 960x540 through its scaler, which interpolates chroma, so a few levels apart at edges
    ['friday.mp4', 640, 480, 1, 0.7],
    ['flower.mp4', 960, 540, 4, 1.5],
  ])('turns the yuv420p of %s into the RGB ffmpeg gives as rgb24', async (name, width, height, most, mean) => {
    const found = await unpackedAgainstFfmpeg(join(dataDir, 'video', name), width, height, 'bt601');
    expect(found.largest).toBeLessThanOrEqual(most);
    expect(found.mean).toBeLessThanOrEqual(mean);
  });

  it('turns RGB into the yuv420p ffmpeg makes of it from rgb24', async () => {
    const [width, height] = [960, 540];
    const rgb = ffmpegFrame(join(dataDir, 'video', 'flower.mp4'), 'rgb24');
    const { pack } = conversionModels({ width, height, multiple: 1 }, 'yuv420p');
    const session = await InferenceSession.create(pack);
    const planar = new Float32Array(width * height * 3);
    for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) planar[c * width * height + i] = rgb[i * 3 + c]!;
    const ours = (await session.run({ [TO_PACK]: new Tensor('float32', planar, [1, 3, height, width]) }))[WRAPPED_OUTPUT]!.data as Uint8Array;
    await session.release();
    const args = ['-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-'];
    const theirs = execFileSync(ffmpegPath(), args, { input: rgb, maxBuffer: 1 << 26 });
    const luma = width * height;
    expect(worst(ours.subarray(0, luma), theirs.subarray(0, luma))).toBeLessThanOrEqual(1);
    // chroma: the mean of each 2x2 block here, swscale's own filter there; equal but for a few pixels at edges
    let differ = 0;
    for (let i = luma; i < ours.length; i++) differ += ours[i] === theirs[i] ? 0 : 1;
    expect(differ / (ours.length - luma)).toBeLessThan(0.1);
    expect(worst(ours.subarray(luma), theirs.subarray(luma))).toBeLessThanOrEqual(4);
  });
});

// A BT.709-tagged source: ffmpeg reads it to rgb24 with BT.709, so the graph must too (with BT.601 a red or a green
// is several levels off), and writes RGB back with the matrix it is told.
describe('the yuv420p conversion of a BT.709 video against ffmpeg', () => {
  const [width, height] = [640, 480];
  const file = join(mkdtempSync(join(tmpdir(), 'stylerun-bt709-')), 'bt709.mp4');
  execFileSync(ffmpegPath(), [
    '-v', 'error', '-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:r=25`, '-frames:v', '1', '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p',
    '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', '-c:v', 'libx264', '-qp', '0', file,
  ]);

  const unpacked = (matrix: YuvMatrix) => unpackedAgainstFfmpeg(file, width, height, matrix);

  it('turns its yuv420p into the RGB ffmpeg gives as rgb24 with BT.709, and BT.601 would not', async () => {
    const right = await unpacked('bt709');
    // swscale's scaler (not the unscaled converter friday's 640x480 takes above) rounds its BT.709 a little otherwise
    expect(right.largest).toBeLessThanOrEqual(4);
    expect(right.mean).toBeLessThanOrEqual(0.8);
    // testsrc2's saturated colours: BT.601 puts them tens of levels off
    expect((await unpacked('bt601')).mean).toBeGreaterThan(4);
  });

  it('turns RGB into the yuv420p ffmpeg makes with out_color_matrix=bt709', async () => {
    const rgb = ffmpegFrame(file, 'rgb24');
    const { pack } = conversionModels({ width, height, multiple: 1 }, 'yuv420p', 'bt709');
    const session = await InferenceSession.create(pack);
    const planar = new Float32Array(width * height * 3);
    for (let i = 0; i < width * height; i++) for (let c = 0; c < 3; c++) planar[c * width * height + i] = rgb[i * 3 + c]!;
    const ours = (await session.run({ [TO_PACK]: new Tensor('float32', planar, [1, 3, height, width]) }))[WRAPPED_OUTPUT]!.data as Uint8Array;
    await session.release();
    const args = [
      '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-i', '-',
      '-vf', 'scale=out_color_matrix=bt709:out_range=tv,format=yuv420p', '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-',
    ];
    const theirs = execFileSync(ffmpegPath(), args, { input: rgb, maxBuffer: 1 << 26 });
    expect(worst(ours.subarray(0, width * height), theirs.subarray(0, width * height))).toBeLessThanOrEqual(1);
    // chroma: the mean of each 2x2 block here, swscale's filter there, which differ at testsrc2's sharp edges
    let near = 0;
    for (let i = width * height; i < ours.length; i++) near += Math.abs(ours[i]! - theirs[i]!) <= 1 ? 1 : 0;
    expect(near / (ours.length - width * height)).toBeGreaterThan(0.9);
  });
});
