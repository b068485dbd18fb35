// The raw frames a wrapped model takes and gives, as ffmpeg writes and reads them on a pipe: packed RGB
// (`rgb24`, what the model contract's pixels are) or planar 4:2:0 YCbCr (`yuv420p`, what an H.264 decoder
// delivers and an H.264 encoder takes). With yuv420p, ffmpeg converts nothing on either side and a frame is
// half the bytes; the graph converts between YCbCr and RGB with the matrix the source declares (limited range),
// as swscale does on the way to rgb24 (BT.601 for untagged video), so the model sees the pixels it would have
// seen through rgb24.

import type { SwscaleMatrix } from '../../common/ffmpeg/colour.js';

/** A raw frame format ffmpeg and the wrapped model agree on. */
export type FrameFormat = 'rgb24' | 'yuv420p';

/** Whether frames of width x height can travel as `format` (4:2:0 halves both sides, so they must be even). */
export function formatFits(format: FrameFormat, width: number, height: number): boolean {
  return format === 'rgb24' || (width % 2 === 0 && height % 2 === 0);
}

/** Bytes of one frame. */
export function frameBytes(format: FrameFormat, width: number, height: number): number {
  return format === 'rgb24' ? width * height * 3 : (width * height * 3) / 2;
}

/** The uint8 tensor dims of a batch: [N,H,W,3] packed RGB, or [N, H*W*3/2] (the Y plane, then U, then V). */
export function frameDims(format: FrameFormat, batch: number | string, width: number, height: number): Array<number | string> {
  return format === 'rgb24' ? [batch, height, width, 3] : [batch, frameBytes(format, width, height)];
}

/** yuv = matrix · rgb + offset, for rgb in 0..255, limited range (Y 16..235, Cb/Cr 16..240). */
export interface Affine3 {
  /** Row-major 3x3. */
  readonly matrix: readonly number[];
  readonly offset: readonly number[];
}

/** The Y'CbCr matrices swscale knows, by the names its scale filter takes (common/ffmpeg/colour.ts decides which one a video uses). */
export type YuvMatrix = SwscaleMatrix;
/** Each matrix's Kr and Kb (Kg = 1 - Kr - Kb), as in H.273. */
const weights: Record<YuvMatrix, readonly [number, number]> = {
  bt601: [0.299, 0.114],
  bt709: [0.2126, 0.0722],
  fcc: [0.3, 0.11],
  smpte240m: [0.212, 0.087],
  bt2020: [0.2627, 0.0593],
};
export const yuvMatrices = Object.keys(weights) as readonly YuvMatrix[];

const [ys, cs] = [219 / 255, 224 / 255];

/** RGB (0..255) to limited-range Y, Cb, Cr with `m`'s weights. */
export function rgbToYuvWith(m: YuvMatrix): Affine3 {
  const [kr, kb] = weights[m];
  const kg = 1 - kr - kb;
  return {
    matrix: [
      ys * kr, ys * kg, ys * kb,
      (cs * -kr) / (2 * (1 - kb)), (cs * -kg) / (2 * (1 - kb)), cs / 2,
      cs / 2, (cs * -kg) / (2 * (1 - kr)), (cs * -kb) / (2 * (1 - kr)),
    ],
    offset: [16, 128, 128],
  };
}

/** Limited-range Y, Cb, Cr to RGB (0..255 for colours inside the RGB cube): rgbToYuvWith(m)'s inverse. */
export function yuvToRgbWith(m: YuvMatrix): Affine3 {
  return invert(rgbToYuvWith(m));
}

/** RGB (0..255) to limited-range BT.601 Y, Cb, Cr: what untagged video gets. */
export const rgbToYuv: Affine3 = rgbToYuvWith('bt601');

/** Limited-range BT.601 Y, Cb, Cr to RGB: rgbToYuv's inverse. */
export const yuvToRgb: Affine3 = yuvToRgbWith('bt601');

function invert({ matrix: m, offset }: Affine3): Affine3 {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const inv = [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map((v) => v / det);
  // rgb = inv · (yuv - offset) = inv · yuv - inv · offset
  const shift = [0, 1, 2].map((r) => -(inv[3 * r]! * offset[0]! + inv[3 * r + 1]! * offset[1]! + inv[3 * r + 2]! * offset[2]!));
  return { matrix: inv, offset: shift };
}
