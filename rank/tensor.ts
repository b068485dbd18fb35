// Frames (packed RGB24, HWC bytes) to and from the model contract's NCHW float32 0..255 tensors.

/** Packs frames of width x height into an NCHW tensor of padW x padH, repeating edge pixels into the padding. */
export function framesToNchw(frames: readonly Uint8Array[], width: number, height: number, padW = width, padH = height): Float32Array {
  const plane = padW * padH;
  const out = new Float32Array(frames.length * 3 * plane);
  frames.forEach((frame, b) => {
    const base = b * 3 * plane;
    for (let y = 0; y < padH; y++) {
      const sy = y < height ? y : height - 1;
      for (let x = 0; x < padW; x++) {
        const sx = x < width ? x : width - 1;
        const s = (sy * width + sx) * 3;
        const d = base + y * padW + x;
        out[d] = frame[s];
        out[d + plane] = frame[s + 1];
        out[d + 2 * plane] = frame[s + 2];
      }
    }
  });
  return out;
}

/** Unpacks frame `b` of an NCHW tensor of padW x padH into RGB24 bytes of width x height (top-left crop), clipped to 0..255. */
export function nchwToFrame(data: Float32Array, b: number, width: number, height: number, padW = width, padH = height): Buffer {
  const plane = padW * padH;
  const base = b * 3 * plane;
  const out = Buffer.allocUnsafe(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const s = base + y * padW + x;
      const d = (y * width + x) * 3;
      out[d] = clip(data[s]);
      out[d + 1] = clip(data[s + plane]);
      out[d + 2] = clip(data[s + 2 * plane]);
    }
  }
  return out;
}

function clip(v: number): number {
  // NaN (a broken model) becomes 0 rather than poisoning the encoder with garbage
  return v > 255 ? 255 : v >= 0 ? Math.round(v) : 0;
}

/** Bilinear resize of an RGB24 frame (for models with a fixed input size). */
export function resizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Buffer {
  const out = Buffer.allocUnsafe(dw * dh * 3);
  const fx = sw / dw;
  const fy = sh / dh;
  for (let y = 0; y < dh; y++) {
    const syf = Math.min(Math.max((y + 0.5) * fy - 0.5, 0), sh - 1);
    const y0 = Math.floor(syf);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = syf - y0;
    for (let x = 0; x < dw; x++) {
      const sxf = Math.min(Math.max((x + 0.5) * fx - 0.5, 0), sw - 1);
      const x0 = Math.floor(sxf);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = sxf - x0;
      for (let c = 0; c < 3; c++) {
        const a = src[(y0 * sw + x0) * 3 + c] * (1 - wx) + src[(y0 * sw + x1) * 3 + c] * wx;
        const b = src[(y1 * sw + x0) * 3 + c] * (1 - wx) + src[(y1 * sw + x1) * 3 + c] * wx;
        out[(y * dw + x) * 3 + c] = Math.round(a * (1 - wy) + b * wy);
      }
    }
  }
  return out;
}
