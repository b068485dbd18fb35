// Output frames carry the source's own timestamps. The chunks already carry them (see
// common/ffmpeg/timestamps.ts); the gather concatenates the chunks without touching them: the concat
// list's durations are the gaps between the chunks' first timestamps.
import type { Rational } from '../../common/ffmpeg/video-info.js';
import { rescale } from '../../common/ffmpeg/timestamps.js';

const microseconds: Rational = { num: 1, den: 1_000_000 };

/**
 * Durations (in microseconds) to give each chunk but the last in the concat list, from the first
 * pts of every chunk. The concat demuxer starts file k at the sum of the durations before it and
 * shifts its packets by (that start - the file's own start time, rounded to microseconds as ffmpeg
 * rounds it); with these durations the shift is the same for every file, so every packet keeps its
 * timestamp relative to the first. Exact while a tick is longer than 3 µs.
 */
export function concatDurations(firstPts: readonly number[], timeBase: Rational): number[] {
  const starts = firstPts.map((p) => rescale(p, timeBase, microseconds));
  return starts.slice(1).map((s, k) => s - starts[k]);
}

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The encoder's time base: the coarsest tick that still holds every timestamp exactly (for a
 * constant-rate video, one frame). It must be coarse: ffmpeg's muxer derives packet durations only
 * from a tick of at least 1 ms, and an MP4 whose last packet has no duration loses that frame behind
 * its edit list. Where no such exact tick exists, the source's own time base.
 */
export function encoderTimeBase(pts: readonly number[], origin: number, timeBase: Rational): Rational {
  let g = 0;
  for (let i = 0; i < pts.length; i++) g = gcd(g, i === 0 ? pts[0] - origin : pts[i] - pts[i - 1]);
  if (g === 0) g = 1;
  if (g * timeBase.num * 1000 >= timeBase.den) return reduce({ num: g * timeBase.num, den: timeBase.den });
  return reduce(timeBase);
}

function reduce(r: Rational): Rational {
  const d = gcd(r.num, r.den);
  return { num: r.num / d, den: r.den / d };
}
