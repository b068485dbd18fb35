import { describe, expect, it } from 'vitest';
import { framesToNchw, nchwToFrame, resizeRgb } from '../../rank/tensor.js';

/** An RGB24 frame whose pixel (x, y) is (seed + x, seed + 10 y, seed + x + y), so every pixel differs. */
function gradientFrame(width: number, height: number, seed: number): Uint8Array {
  const frame = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      frame.set([seed + x, seed + 10 * y, seed + x + y], (y * width + x) * 3);
    }
  }
  return frame;
}

function pixel(frame: Uint8Array, width: number, x: number, y: number): number[] {
  return [...frame.subarray((y * width + x) * 3, (y * width + x) * 3 + 3)];
}

describe('framesToNchw and nchwToFrame', () => {
  const width = 5;
  const height = 3;
  const frames = [gradientFrame(width, height, 0), gradientFrame(width, height, 100)];

  it('gives back both frames of a 2-frame 5x3 batch byte for byte', () => {
    const tensor = framesToNchw(frames, width, height);
    expect(tensor).toHaveLength(2 * 3 * width * height);
    expect([...nchwToFrame(tensor, 0, width, height)]).toEqual([...frames[0]]);
    expect([...nchwToFrame(tensor, 1, width, height)]).toEqual([...frames[1]]);
  });

  it('lays the batch out as N, then channel planes, then rows', () => {
    const tensor = framesToNchw(frames, width, height);
    const plane = width * height;
    // frame 1, green plane, pixel (x=2, y=1): 100 + 10 * 1
    expect(tensor[1 * 3 * plane + 1 * plane + 1 * width + 2]).toBe(110);
    // frame 0, blue plane, pixel (x=4, y=2): 0 + 4 + 2
    expect(tensor[2 * plane + 2 * width + 4]).toBe(6);
  });

  it('fills the padding by repeating the right column and the bottom row', () => {
    const padW = 8;
    const padH = 4;
    const tensor = framesToNchw(frames, width, height, padW, padH);
    const plane = padW * padH;
    const at = (b: number, c: number, x: number, y: number) => tensor[b * 3 * plane + c * plane + y * padW + x];
    for (let c = 0; c < 3; c++) {
      for (let y = 0; y < padH; y++) {
        for (let x = 0; x < padW; x++) {
          const source = pixel(frames[1], width, Math.min(x, width - 1), Math.min(y, height - 1));
          expect(at(1, c, x, y)).toBe(source[c]);
        }
      }
    }
  });

  it('crops the padding away again on the way out', () => {
    const tensor = framesToNchw(frames, width, height, 8, 4);
    expect([...nchwToFrame(tensor, 1, width, height, 8, 4)]).toEqual([...frames[1]]);
  });

  it('clips below 0 and above 255, rounds, and turns NaN into 0', () => {
    // one 6x1 frame: red plane carries the cases, green and blue are plain
    const values = [-3, 256.7, 12.4, 12.5, Number.NaN, Number.POSITIVE_INFINITY];
    const tensor = new Float32Array(3 * values.length);
    tensor.set(values, 0);
    tensor.fill(7, values.length);
    const frame = nchwToFrame(tensor, 0, values.length, 1);
    const reds = values.map((_, x) => frame[x * 3]);
    expect(reds).toEqual([0, 255, 12, 13, 0, 255]);
    expect(frame[1]).toBe(7);
  });
});

describe('resizeRgb', () => {
  it('leaves a frame unchanged when the size is the same', () => {
    const frame = gradientFrame(5, 3, 20);
    expect([...resizeRgb(frame, 5, 3, 5, 3)]).toEqual([...frame]);
  });

  it('keeps the corner colours when a 2x2 frame is upscaled to 4x4', () => {
    const red = [255, 0, 0];
    const green = [0, 255, 0];
    const blue = [0, 0, 255];
    const white = [255, 255, 255];
    const src = Uint8Array.from([...red, ...green, ...blue, ...white]);
    const out = resizeRgb(src, 2, 2, 4, 4);
    expect(out).toHaveLength(4 * 4 * 3);
    expect(pixel(out, 4, 0, 0)).toEqual(red);
    expect(pixel(out, 4, 3, 0)).toEqual(green);
    expect(pixel(out, 4, 0, 3)).toEqual(blue);
    expect(pixel(out, 4, 3, 3)).toEqual(white);
  });

  it('blends between neighbours inside an upscaled frame', () => {
    const src = Uint8Array.from([0, 0, 0, 200, 200, 200]);
    const out = resizeRgb(src, 2, 1, 4, 1);
    // sample points at x = -0.25 (clamped), 0.25, 0.75, 1.25 (clamped) of the source
    expect([0, 1, 2, 3].map((x) => out[x * 3])).toEqual([0, 50, 150, 200]);
  });

  it('averages a 2x2 block into one pixel when halving the size', () => {
    const src = Uint8Array.from([0, 0, 0, 100, 100, 100, 100, 100, 100, 200, 200, 200]);
    expect([...resizeRgb(src, 2, 2, 1, 1)]).toEqual([100, 100, 100]);
  });
});
