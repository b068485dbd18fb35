// The procedural "painterly" style as an ONNX graph: smooth flat regions while keeping edges, pull colours
// softly onto a painting's palette, and ink dark contours along strong luminance edges.
// Only Conv, AveragePool, Pad, Concat, Softmax and elementwise ops, all shape-preserving, so any N, H and W
// run (down to 1x1). Checked on onnxruntime's CPU provider; the ops were chosen to exist on WebGPU too.
import { GraphBuilder } from '../../models/onnx/graph-builder.js';
import { luma, type Rgb } from './kmeans.js';
import { kuwahara } from './kuwahara.js';

/** The knobs of the style; `defaultPainterlyParams` is what the bundled models use. */
export interface PainterlyParams {
  /** Kuwahara window radius in pixels: the size of a "brush stroke". */
  readonly strokeRadius: number;
  /** Chroma gain applied to the palette: k-means averages wash a painting's colours out, this restores them. */
  readonly paletteSaturation: number;
  /** Softmax sharpness over palette distances: higher is flatter, more posterised colour. */
  readonly paletteTemperature: number;
  /** How far colours move onto the palette (0 keeps the smoothed colour, 1 is the palette colour). */
  readonly paletteMix: number;
  /** Weight of chroma against luma when matching a palette colour; low lets grey footage take colour. */
  readonly chromaWeight: number;
  /** Sobel magnitude (0..1 luma units) at which a contour is half dark, and how sharp its onset is. */
  readonly edgeThreshold: number;
  readonly edgeSharpness: number;
  /** How dark a full contour is: 1 is black. */
  readonly edgeStrength: number;
}

/** The tuning of the bundled models, chosen by eye on frames of friday.mp4 (B&W) and flower.mp4 (colour). */
export const defaultPainterlyParams: PainterlyParams = {
  strokeRadius: 4,
  paletteSaturation: 1.4,
  paletteTemperature: 120,
  paletteMix: 0.8,
  chromaWeight: 0.6,
  edgeThreshold: 0.35,
  edgeSharpness: 18,
  edgeStrength: 0.8,
};

const dims = ['N', 3, 'H', 'W'] as const;

/** The serialized style model: `input` float32 [N,3,H,W] 0..255 to `output` of the same shape, 0..255. */
export function painterlyModel(palette: readonly Rgb[], params: PainterlyParams = defaultPainterlyParams): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('input', dims);
  const unit = g.node('Mul', [x, g.scalar(1 / 255)]);
  const smooth = kuwahara(g, kuwahara(g, unit, params.strokeRadius), Math.max(1, params.strokeRadius - 2));
  const coloured = mapOntoPalette(g, smooth, palette.map((c) => saturate(c, params.paletteSaturation)), params);
  const inked = g.node('Mul', [coloured, contourShade(g, smooth, params)]);
  const scaled = g.node('Mul', [inked, g.scalar(255)]);
  g.output(g.node('Clip', [scaled, g.scalar(0), g.scalar(255)]), 'output', dims);
  return g.toModel({ docString: 'stylerun procedural painterly style (not trained); see models/README.md' });
}

// Squared distance to palette colour p in a luma/chroma space A is |As|^2 - 2 s.(A'A p) + |Ap|^2. The first
// term is the same for every p, and Softmax ignores it, so the logits are one 1x1 Conv with a bias.
function mapOntoPalette(g: GraphBuilder, rgb: string, palette: readonly Rgb[], params: PainterlyParams): string {
  const k = palette.length;
  const a = lumaChroma(params.chromaWeight);
  const weights = new Float32Array(k * 3);
  const bias = new Float32Array(k);
  palette.forEach((p, i) => {
    const ap = a.map((row) => dot(row, p));
    for (let c = 0; c < 3; c++) weights[i * 3 + c] = 2 * params.paletteTemperature * dot(column(a, c), ap);
    bias[i] = -params.paletteTemperature * dot(ap, ap);
  });
  const logits = g.node('Conv', [
    rgb,
    g.constant('palette_logit_w', [k, 3, 1, 1], weights),
    g.constant('palette_logit_b', [k], bias),
  ]);
  const share = g.node('Softmax', [logits], { axis: 1 });
  const back = new Float32Array(3 * k);
  palette.forEach((p, i) => p.forEach((v, c) => (back[c * k + i] = v)));
  const mapped = g.node('Conv', [share, g.constant('palette_rgb', [3, k, 1, 1], back)]);
  // rgb + mix * (mapped - rgb): keeps some of the footage's own shading so regions are not flat.
  const toward = g.node('Mul', [g.node('Sub', [mapped, rgb]), g.scalar(params.paletteMix)]);
  return g.node('Add', [rgb, toward]);
}

// 1 - strength * sigmoid(sharpness * (|Sobel(luma)| - threshold)), one channel, broadcast over RGB.
function contourShade(g: GraphBuilder, rgb: string, params: PainterlyParams): string {
  const luma = g.node('Conv', [rgb, g.constant('luma_w', [1, 3, 1, 1], Float32Array.of(0.299, 0.587, 0.114))]);
  // Edge padding: zero padding would draw a contour around the frame's border.
  const padded = g.node('Pad', [luma, g.int64s([0, 0, 1, 1, 0, 0, 1, 1])], { mode: 'edge' });
  const sobel = Float32Array.of(-1, 0, 1, -2, 0, 2, -1, 0, 1, -1, -2, -1, 0, 0, 0, 1, 2, 1);
  const gradient = g.node('Conv', [padded, g.constant('sobel_w', [2, 1, 3, 3], sobel)]);
  const squared = g.node('Conv', [g.node('Mul', [gradient, gradient]), g.constant('sum2_w', [1, 2, 1, 1], Float32Array.of(1, 1))]);
  const magnitude = g.node('Sqrt', [g.node('Add', [squared, g.scalar(1e-6)])]);
  const onset = g.node('Mul', [g.node('Sub', [magnitude, g.scalar(params.edgeThreshold)]), g.scalar(params.edgeSharpness)]);
  const ink = g.node('Mul', [g.node('Sigmoid', [onset]), g.scalar(params.edgeStrength)]);
  return g.node('Sub', [g.scalar(1), ink]);
}

// Scales a colour's distance from its own grey, clamped to 0..1.
function saturate(c: Rgb, gain: number): Rgb {
  const grey = luma(c);
  const [r, g, b] = c.map((v) => Math.min(1, Math.max(0, grey + (v - grey) * gain)));
  return [r!, g!, b!];
}

// Rows: luma, blue-difference and red-difference chroma (Rec. 601), chroma scaled by `chromaWeight`.
function lumaChroma(chromaWeight: number): number[][] {
  return [
    [0.299, 0.587, 0.114],
    [-0.169 * chromaWeight, -0.331 * chromaWeight, 0.5 * chromaWeight],
    [0.5 * chromaWeight, -0.419 * chromaWeight, -0.081 * chromaWeight],
  ];
}

function column(m: number[][], c: number): number[] {
  return m.map((row) => row[c]!);
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((sum, v, i) => sum + v * b[i]!, 0);
}
