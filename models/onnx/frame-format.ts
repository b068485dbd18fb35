// The raw frames a wrapped model takes and gives, as ffmpeg writes and reads them on a pipe: packed RGB
// (`rgb24`, what the model contract's pixels are) or planar 4:2:0 YCbCr (`yuv420p`, what an H.264 decoder
// delivers and an H.264 encoder takes). With yuv420p, ffmpeg converts nothing on either side and a frame is
// half the bytes; the graph converts between YCbCr and RGB with the coefficients ffmpeg's swscale uses for
// untagged video (BT.601, limited range), so the model sees the pixels it would have seen through rgb24.

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

/** yuv = matrix · rgb + offset, for rgb in 0..255: BT.601 (Kr 0.299, Kb 0.114), limited range (Y 16..235, Cb/Cr 16..240). */
export interface Affine3 {
  /** Row-major 3x3. */
  readonly matrix: readonly number[];
  readonly offset: readonly number[];
}

const [kr, kb] = [0.299, 0.114];
const kg = 1 - kr - kb;
const [ys, cs] = [219 / 255, 224 / 255];

/** RGB (0..255) to limited-range BT.601 Y, Cb, Cr. */
export const rgbToYuv: Affine3 = {
  matrix: [
    ys * kr, ys * kg, ys * kb,
    (cs * -kr) / (2 * (1 - kb)), (cs * -kg) / (2 * (1 - kb)), cs / 2,
    cs / 2, (cs * -kg) / (2 * (1 - kr)), (cs * -kb) / (2 * (1 - kr)),
  ],
  offset: [16, 128, 128],
};

/** Limited-range BT.601 Y, Cb, Cr to RGB (0..255 for colours inside the RGB cube): rgbToYuv's inverse. */
export const yuvToRgb: Affine3 = invert(rgbToYuv);

function invert({ matrix: m, offset }: Affine3): Affine3 {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
  const inv = [e * i - f * h, c * h - b * i, b * f - c * e, f * g - d * i, a * i - c * g, c * d - a * f, d * h - e * g, b * g - a * h, a * e - b * d].map((v) => v / det);
  // rgb = inv · (yuv - offset) = inv · yuv - inv · offset
  const shift = [0, 1, 2].map((r) => -(inv[3 * r]! * offset[0]! + inv[3 * r + 1]! * offset[1]! + inv[3 * r + 2]! * offset[2]!));
  return { matrix: inv, offset: shift };
}
