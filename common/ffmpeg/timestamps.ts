// Timestamps as runs of equal spacing, and ffmpeg filters that give raw frames those timestamps.
// Styled frames leave inference as raw pixels with no timestamps; the rank's chunk encoder gives each
// frame its source pts through a short setpts chain built from that chunk's own timestamps, so no
// expression ever spans the whole video and any number of spacing changes is carried exactly.
import type { Rational } from './video-info.js';

/** Frames n_k .. n_k+length-1 have pts = pts0 + delta * (N - n_k). */
export interface PtsRun {
  first: number;
  length: number;
  pts0: number;
  delta: number;
}

/** Most terms one setpts filter gets: ffmpeg 5.1's expression parser refuses a few hundred. */
export const termsPerFilter = 24;

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

/** Evaluates the runs at frame n (what the setpts chain computes; used by tests and checks). */
export function ptsAt(runs: readonly PtsRun[], n: number): number {
  let value = runs[0].pts0 + runs[0].delta * n;
  for (let k = 1; k < runs.length && runs[k].first <= n; k++) value = runs[k].pts0 + runs[k].delta * (n - runs[k].first);
  return value;
}

/**
 * setpts filters (in order) that give frame N (counted from 0 at the filter's input) the pts the
 * runs say, in the filter's time base. A flat sum f_0(N) + sum_k gte(N, n_k) * (f_k(N) - f_{k-1}(N)),
 * cut into filters of at most `termsPerFilter` terms; each filter after the first adds to PTS.
 */
export function setptsChain(runs: readonly PtsRun[]): string[] {
  const terms: string[] = [];
  for (let k = 1; k < runs.length; k++) {
    const prev = runs[k - 1];
    const cur = runs[k];
    const jump = cur.pts0 - (prev.pts0 + prev.delta * (cur.first - prev.first));
    const slope = cur.delta - prev.delta;
    terms.push(`gte(N\\,${cur.first})*(${jump}+${slope}*(N-${cur.first}))`);
  }
  const filters = [[`${runs[0].pts0}+${runs[0].delta}*N`, ...terms.slice(0, termsPerFilter - 1)].join('+')];
  for (let i = termsPerFilter - 1; i < terms.length; i += termsPerFilter) filters.push(['PTS', ...terms.slice(i, i + termsPerFilter)].join('+'));
  return filters.map((e) => `setpts=${e}`);
}

/** av_rescale_q(value, from, to) with ffmpeg's default rounding (to nearest, halves away from zero). */
export function rescale(value: number, from: Rational, to: Rational): number {
  const num = BigInt(value) * BigInt(from.num) * BigInt(to.den);
  const den = BigInt(from.den) * BigInt(to.num);
  const neg = num < 0n !== den < 0n;
  const a = num < 0n ? -num : num;
  const b = den < 0n ? -den : den;
  const q = (2n * a + b) / (2n * b);
  return Number(neg ? -q : q);
}
