import { describe, expect, it } from 'vitest';
import { halfBits, halfBytes, halfValue } from '../../models/onnx/half.js';

describe('binary16 from numbers', () => {
  it('gives the IEEE bits of values any fp16 table lists', () => {
    const known: Array<[number, number]> = [
      [0, 0x0000], [-0, 0x8000], [1, 0x3c00], [-2, 0xc000], [0.5, 0x3800], [65504, 0x7bff], [2 ** -14, 0x0400],
      [2 ** -24, 0x0001], [0.1, 0x2e66], [1 / 3, 0x3555], [255, 0x5bf8], [Infinity, 0x7c00], [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of known) expect(halfBits(value), String(value)).toBe(bits);
    expect(halfBits(NaN) & 0x7c00).toBe(0x7c00);
    expect(halfBits(NaN) & 0x3ff).not.toBe(0);
  });

  it('maps every finite half back to its own bits', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) === 0x7c00) continue; // infinities and NaNs
      expect(halfBits(halfValue(bits))).toBe(bits);
    }
  });

  it('rounds ties to even, in normals and subnormals alike', () => {
    expect(halfBits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 0x3c00 and 0x3c01: the even one
    expect(halfBits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02
    expect(halfBits(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just past halfway
    expect(halfBits(2 ** -25)).toBe(0x0000); // half the smallest subnormal
    expect(halfBits(3 * 2 ** -25)).toBe(0x0002);
    expect(halfBits(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the smallest normal
    expect(halfBits(2047.5)).toBe(halfBits(2048)); // the mantissa carries into the exponent
  });

  it('clamps finite values beyond the range to ±65504 instead of making them infinite', () => {
    expect(halfBits(65519)).toBe(0x7bff);
    expect(halfBits(1e9)).toBe(0x7bff);
    expect(halfBits(-1e9)).toBe(0xfbff);
  });

  it('writes little-endian pairs of bytes', () => {
    expect([...halfBytes(Float32Array.of(1, -2))]).toEqual([0x00, 0x3c, 0x00, 0xc0]);
  });
});
