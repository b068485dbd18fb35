// A soft Kuwahara filter, the classic "oil paint" smoothing: each pixel takes the mean colour of whichever of
// its four corner windows is most uniform. Flat regions flatten into strokes while edges stay sharp, because
// the window that straddles an edge has a high variance and loses. "Soft": a Softmax over -variance picks
// the window, so there is no argmax and no branch, only AveragePool, Conv, Concat, Softmax and arithmetic.
import type { GraphBuilder } from '../../models/onnx/graph-builder.js';

/** How decisively the most uniform window wins; variance is summed over RGB in 0..1 units. */
const selectivity = 400;

/** One Kuwahara pass over an [N,3,H,W] image in 0..1, with (radius+1)x(radius+1) windows; same size out. */
export function kuwahara(g: GraphBuilder, rgb: string, radius: number): string {
  const squares = g.node('Mul', [rgb, rgb]);
  const sumRgb = g.constant(`kuwahara_sum_r${radius}_${rgb}`, [1, 3, 1, 1], Float32Array.of(1, 1, 1));
  const means: string[] = [];
  const variances: string[] = [];
  // [top, left, bottom, right] pads place each window in one corner of the pixel.
  for (const [top, left] of [
    [radius, radius],
    [radius, 0],
    [0, radius],
    [0, 0],
  ] as const) {
    const pads = [top, left, radius - top, radius - left];
    const mean = cornerMean(g, rgb, radius, pads);
    const meanSquare = cornerMean(g, squares, radius, pads);
    const variance = g.node('Sub', [meanSquare, g.node('Mul', [mean, mean])]);
    means.push(mean);
    variances.push(g.node('Conv', [variance, sumRgb]));
  }
  const scores = g.node('Mul', [g.node('Concat', variances, { axis: 1 }), g.scalar(-selectivity)]);
  const choice = g.node('Softmax', [scores], { axis: 1 });
  // Weight window i's three channels by choice[i], then add the four windows back into RGB: two 1x1 Convs
  // instead of splitting the tensor, which keeps the op set small.
  const spread = new Float32Array(12 * 4);
  const gather = new Float32Array(3 * 12);
  for (let w = 0; w < 4; w++) {
    for (let c = 0; c < 3; c++) {
      spread[(w * 3 + c) * 4 + w] = 1;
      gather[c * 12 + w * 3 + c] = 1;
    }
  }
  const weights = g.node('Conv', [choice, g.constant(`kuwahara_spread_r${radius}_${rgb}`, [12, 4, 1, 1], spread)]);
  const weighted = g.node('Mul', [g.node('Concat', means, { axis: 1 }), weights]);
  return g.node('Conv', [weighted, g.constant(`kuwahara_gather_r${radius}_${rgb}`, [3, 12, 1, 1], gather)]);
}

// An AveragePool whose asymmetric padding puts the window in a corner; count_include_pad=0 averages only
// pixels inside the frame, so windows at the border shrink instead of darkening.
function cornerMean(g: GraphBuilder, image: string, radius: number, pads: readonly number[]): string {
  return g.node('AveragePool', [image], {
    kernel_shape: [radius + 1, radius + 1],
    pads: [pads[0]!, pads[1]!, pads[2]!, pads[3]!],
    strides: [1, 1],
    count_include_pad: 0,
  });
}
