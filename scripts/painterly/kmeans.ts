// A deterministic k-means over RGB pixels: the same picture always gives the same palette, so rebuilding
// the bundled models gives the same bytes.

/** One palette colour, each channel 0..1. */
export type Rgb = readonly [number, number, number];

/**
 * The `k` dominant colours of `rgb24` (3 bytes per pixel), darkest first.
 * Starts from the pixels at evenly spaced luminance quantiles instead of random picks, so it is reproducible.
 */
export function kmeansPalette(rgb24: Uint8Array, k: number, iterations = 40): Rgb[] {
  const pixels: Rgb[] = [];
  for (let i = 0; i + 2 < rgb24.length; i += 3) pixels.push([rgb24[i]! / 255, rgb24[i + 1]! / 255, rgb24[i + 2]! / 255]);
  if (pixels.length < k) throw new Error(`k-means needs at least ${k} pixels, got ${pixels.length}`);
  const byLuma = [...pixels].sort((a, b) => luma(a) - luma(b));
  let centres: Rgb[] = Array.from({ length: k }, (_, i) => byLuma[Math.floor(((i + 0.5) * byLuma.length) / k)]!);
  for (let iteration = 0; iteration < iterations; iteration++) {
    const sums = Array.from({ length: k }, () => [0, 0, 0, 0]);
    for (const p of pixels) {
      const s = sums[nearest(p, centres)]!;
      s[0]! += p[0];
      s[1]! += p[1];
      s[2]! += p[2];
      s[3]! += 1;
    }
    // An emptied cluster keeps its old centre rather than jumping somewhere arbitrary.
    centres = centres.map((c, i) => {
      const [r, g, b, n] = sums[i]!;
      return n ? ([r! / n, g! / n, b! / n] as Rgb) : c;
    });
  }
  return centres.sort((a, b) => luma(a) - luma(b));
}

/** Rec. 601 luma of a colour. */
export function luma(c: Rgb): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

function nearest(p: Rgb, centres: readonly Rgb[]): number {
  let best = 0;
  let bestDistance = Infinity;
  centres.forEach((c, i) => {
    const d = (p[0] - c[0]) ** 2 + (p[1] - c[1]) ** 2 + (p[2] - c[2]) ** 2;
    if (d < bestDistance) {
      bestDistance = d;
      best = i;
    }
  });
  return best;
}
