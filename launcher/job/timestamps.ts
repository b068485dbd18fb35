// Output frames carry the source's own timestamps. The styled frames travel without timestamps (as
// numbered frames in chunks), and the final encode gives frame N the source's pts[N] through a setpts
// expression. Timestamps are compressed into runs of equal spacing, so a constant-rate video is one
// term however long it is, and a variable-rate one costs a term per change of spacing.
import type { Rational } from '../../common/ffmpeg/video-info.js';

/** Frames n_k .. n_k+length-1 have pts = pts0 + delta * (N - n_k). */
export interface PtsRun {
  first: number;
  length: number;
  pts0: number;
  delta: number;
}

/** Most runs an expression may have; beyond it the output falls back to the average rate. */
export const maxRuns = 2000;

/** Splits a timestamp list into runs of equal spacing. */
export function ptsRuns(pts: readonly number[]): PtsRun[] {
  const runs: PtsRun[] = [];
  let i = 0;
  while (i < pts.length) {
    if (i === pts.length - 1) {
      runs.push({ first: i, length: 1, pts0: pts[i], delta: 0 });
      break;
    }
    const delta = pts[i + 1] - pts[i];
    let j = i + 1;
    while (j + 1 < pts.length && pts[j + 1] - pts[j] === delta) j++;
    runs.push({ first: i, length: j - i + 1, pts0: pts[i], delta });
    i = j + 1;
  }
  return runs;
}

/** Evaluates the runs at frame n (what the setpts expression computes; used by tests and checks). */
export function ptsAt(runs: readonly PtsRun[], n: number): number {
  let value = runs[0].pts0 + runs[0].delta * n;
  for (let k = 1; k < runs.length && runs[k].first <= n; k++) value = runs[k].pts0 + runs[k].delta * (n - runs[k].first);
  return value;
}

/**
 * A setpts expression of N giving each frame its pts (in the source's time base), shifted by
 * `-origin`. A flat sum (no nesting), so ffmpeg's parser copes with thousands of runs:
 * f_0(N) + sum_k gte(N, n_k) * (f_k(N) - f_{k-1}(N)).
 */
export function setptsExpression(runs: readonly PtsRun[], origin = 0): string {
  const terms = [`${runs[0].pts0 - origin}+${runs[0].delta}*N`];
  for (let k = 1; k < runs.length; k++) {
    const prev = runs[k - 1];
    const cur = runs[k];
    const jump = cur.pts0 - (prev.pts0 + prev.delta * (cur.first - prev.first));
    const slope = cur.delta - prev.delta;
    terms.push(`gte(N\\,${cur.first})*(${jump}+${slope}*(N-${cur.first}))`);
  }
  return terms.join('+');
}

/** Runs for a constant rate (the fallback for very irregular timestamps): n frames at the average spacing. */
export function averageRateRuns(pts: readonly number[], timeBase: Rational, avgFrameRate: Rational): PtsRun[] {
  const spacing = avgFrameRate.num > 0 ? (avgFrameRate.den * timeBase.den) / (avgFrameRate.num * timeBase.num) : 1;
  return [{ first: 0, length: pts.length, pts0: pts[0], delta: Math.round(spacing) }];
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
 * its edit list. Where no such exact tick exists, 1/600 s (a multiple of 24, 25, 30, 50 and 60 fps).
 */
export function encoderTimeBase(pts: readonly number[], origin: number, timeBase: Rational): Rational {
  let g = 0;
  for (let i = 0; i < pts.length; i++) g = gcd(g, i === 0 ? pts[0] - origin : pts[i] - pts[i - 1]);
  if (g === 0) g = 1;
  if (g * timeBase.num * 1000 > timeBase.den) return reduce({ num: g * timeBase.num, den: timeBase.den });
  return { num: 1, den: 600 };
}

function reduce(r: Rational): Rational {
  const d = gcd(r.num, r.den);
  return { num: r.num / d, den: r.den / d };
}
