// TransformerNet computed op by op in plain TypeScript (float64), written from the checkpoint format's
// description (../shared/data/models/FORMAT.md) and reading the checkpoint's files itself: TF layouts as
// stored, SAME padding worked out per layer, the transposed conv as a scatter cropped to its first 2h rows.
// Independent of models/ml5 on purpose: it is what the ONNX conversion is checked against.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** C x H x W, row-major. */
interface Planes {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly data: Float64Array;
}

interface Variable {
  readonly shape: number[];
  readonly data: Float32Array;
}

/** Reads Variable, Variable_1, ... of the checkpoint in `dir` through its manifest. */
export function readVariables(dir: string): Variable[] {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Record<string, { filename: string; shape: number[] }>;
  return Array.from({ length: 48 }, (_, i) => {
    const entry = manifest[i === 0 ? 'Variable' : `Variable_${i}`]!;
    const bytes = readFileSync(join(dir, entry.filename));
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return { shape: entry.shape, data: Float32Array.from({ length: bytes.length / 4 }, (_, j) => view.getFloat32(4 * j, true)) };
  });
}

/** TF conv2d, padding SAME, weights [k,k,in,out], no bias. */
function conv(x: Planes, w: Variable, stride: number): Planes {
  const [k, , cin, cout] = w.shape as [number, number, number, number];
  const h = Math.ceil(x.h / stride);
  const wd = Math.ceil(x.w / stride);
  const padTop = Math.floor(Math.max((h - 1) * stride + k - x.h, 0) / 2);
  const padLeft = Math.floor(Math.max((wd - 1) * stride + k - x.w, 0) / 2);
  const out = new Float64Array(cout * h * wd);
  for (let o = 0; o < cout; o++) {
    for (let i = 0; i < h; i++) {
      for (let j = 0; j < wd; j++) {
        let sum = 0;
        for (let kh = 0; kh < k; kh++) {
          const y = i * stride + kh - padTop;
          if (y < 0 || y >= x.h) continue;
          for (let kw = 0; kw < k; kw++) {
            const xx = j * stride + kw - padLeft;
            if (xx < 0 || xx >= x.w) continue;
            for (let c = 0; c < cin; c++) sum += x.data[(c * x.h + y) * x.w + xx]! * w.data[((kh * k + kw) * cin + c) * cout + o]!;
          }
        }
        out[(o * h + i) * wd + j] = sum;
      }
    }
  }
  return { c: cout, h, w: wd, data: out };
}

/** TF conv2d_transpose, stride 2, SAME, weights [k,k,out,in]: the full (2h+1) scatter, first 2h rows/cols kept. */
function convTranspose(x: Planes, w: Variable): Planes {
  const [k, , cout, cin] = w.shape as [number, number, number, number];
  const fullH = 2 * (x.h - 1) + k;
  const fullW = 2 * (x.w - 1) + k;
  const full = new Float64Array(cout * fullH * fullW);
  for (let c = 0; c < cin; c++) {
    for (let i = 0; i < x.h; i++) {
      for (let j = 0; j < x.w; j++) {
        const v = x.data[(c * x.h + i) * x.w + j]!;
        for (let kh = 0; kh < k; kh++) {
          for (let kw = 0; kw < k; kw++) {
            for (let o = 0; o < cout; o++) full[(o * fullH + 2 * i + kh) * fullW + 2 * j + kw] += v * w.data[((kh * k + kw) * cout + o) * cin + c]!;
          }
        }
      }
    }
  }
  const h = 2 * x.h;
  const wd = 2 * x.w;
  const out = new Float64Array(cout * h * wd);
  for (let o = 0; o < cout; o++) for (let i = 0; i < h; i++) for (let j = 0; j < wd; j++) out[(o * h + i) * wd + j] = full[(o * fullH + i) * fullW + j]!;
  return { c: cout, h, w: wd, data: out };
}

/** Instance norm: biased variance over H and W, epsilon 1e-3, then scale (gamma) and shift (beta). */
function instanceNorm(x: Planes, shift: Variable, scale: Variable): Planes {
  const n = x.h * x.w;
  const out = new Float64Array(x.data.length);
  for (let c = 0; c < x.c; c++) {
    const plane = x.data.subarray(c * n, (c + 1) * n);
    const mean = plane.reduce((a, b) => a + b, 0) / n;
    const variance = plane.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
    const inv = 1 / Math.sqrt(variance + 1e-3);
    for (let i = 0; i < n; i++) out[c * n + i] = (plane[i]! - mean) * inv * scale.data[c]! + shift.data[c]!;
  }
  return { ...x, data: out };
}

const map = (x: Planes, f: (v: number) => number): Planes => ({ ...x, data: x.data.map(f) });
const add = (a: Planes, b: Planes): Planes => ({ ...a, data: a.data.map((v, i) => v + b.data[i]!) });
const relu = (x: Planes): Planes => map(x, (v) => Math.max(v, 0));

/** The styled image for one RGB 0..255 image (3 x h x w), 0..255. */
export function referenceStyle(vars: readonly Variable[], image: Planes): Planes {
  // layer at variable i: conv weight i, IN shift i+1, IN scale i+2
  const layer = (x: Planes, i: number, stride: number): Planes => instanceNorm(conv(x, vars[i]!, stride), vars[i + 1]!, vars[i + 2]!);
  let x = relu(layer(image, 0, 1));
  x = relu(layer(x, 3, 2));
  x = relu(layer(x, 6, 2));
  for (const i of [9, 15, 21, 27, 33]) x = add(x, layer(relu(layer(x, i, 1)), i + 3, 1));
  x = relu(instanceNorm(convTranspose(x, vars[39]!), vars[40]!, vars[41]!));
  x = relu(instanceNorm(convTranspose(x, vars[42]!), vars[43]!, vars[44]!));
  x = layer(x, 45, 1);
  return map(x, (v) => Math.min(255, Math.max(0, Math.tanh(v) * 150 + 127.5)));
}

export type { Planes };
