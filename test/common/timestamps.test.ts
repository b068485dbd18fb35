import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { passthroughTiming } from '../../common/ffmpeg/features.js';
import { ptsAt, ptsRuns, rescale, setptsChain, termsPerFilter } from '../../common/ffmpeg/timestamps.js';

/** Deterministic pseudo-random numbers in [0, 1) (a 32-bit LCG), so a failure can be replayed. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * A variable-rate timestamp list in ms: stretches of equal spacing (33, 40 or 50 ms) that change
 * every few frames, with an occasional jump (a dropped stretch), starting at `first`.
 */
function vfrPts(frames: number, seed: number, first = 0): number[] {
  const random = lcg(seed);
  const spacings = [33, 40, 50];
  const pts = [first];
  let spacing = 40;
  while (pts.length < frames) {
    const r = random();
    if (r < 0.2) spacing = spacings[Math.floor(random() * spacings.length)];
    const jump = r > 0.95 ? 200 : 0;
    pts.push(pts[pts.length - 1] + spacing + jump);
  }
  return pts;
}

/** The pts ffmpeg gives each of `frames` frames of a 16x16 source through `settb=1/1000,<chain>`. */
async function ffmpegPts(chain: string[], frames: number): Promise<number[]> {
  // a script file, so that thousands of terms fit whatever the argument length limit
  const script = join(workDir, `filter-${frames}-${chain.length}.txt`);
  writeFileSync(script, ['settb=1/1000', ...chain, 'showinfo'].join(','));
  const { stderr } = await promisify(execFile)(
    ffmpegPath(),
    ['-hide_banner', '-nostats', '-f', 'lavfi', '-i', 'color=size=16x16:rate=25', '-frames:v', String(frames), '-filter_script:v', script, ...passthroughTiming(), '-f', 'null', '-'],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return [...stderr.matchAll(/\bn:\s*\d+\s+pts:\s*(-?\d+)/g)].map((m) => Number(m[1]));
}

const workDir = mkdtempSync(join(tmpdir(), 'stylerun-timestamps-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

describe('ptsRuns', () => {
  it('describes a constant-rate video as one run however long it is', () => {
    const pts = Array.from({ length: 10_000 }, (_, n) => 1001 * n);
    expect(ptsRuns(pts)).toEqual([{ first: 0, length: 10_000, pts0: 0, delta: 1001 }]);
  });

  it('starts a new run at a jump and at a change of spacing', () => {
    //               run 1: +40      jump  run 2: +40  run 3: +30
    const pts = [0, 40, 80, 200, 240, 270, 300, 330];
    expect(ptsRuns(pts)).toEqual([
      { first: 0, length: 3, pts0: 0, delta: 40 },
      { first: 3, length: 2, pts0: 200, delta: 40 },
      { first: 5, length: 3, pts0: 270, delta: 30 },
    ]);
  });

  it('gives a single frame a run of its own with no spacing', () => {
    expect(ptsRuns([1234])).toEqual([{ first: 0, length: 1, pts0: 1234, delta: 0 }]);
  });

  it('gives a last frame that fits no run a run of its own', () => {
    expect(ptsRuns([0, 10, 20, 25])).toEqual([
      { first: 0, length: 3, pts0: 0, delta: 10 },
      { first: 3, length: 1, pts0: 25, delta: 0 },
    ]);
  });

  it('covers every frame exactly once, in order, on a variable-rate list', () => {
    const pts = vfrPts(500, 7);
    const runs = ptsRuns(pts);
    let next = 0;
    for (const run of runs) {
      expect(run.first).toBe(next);
      next += run.length;
    }
    expect(next).toBe(pts.length);
  });
});

describe('ptsAt', () => {
  it.each([1, 2, 3])('gives back pts[n] for every frame n of a variable-rate list (seed %i)', (seed) => {
    const pts = vfrPts(1000, seed, 500);
    const runs = ptsRuns(pts);
    expect(runs.length).toBeGreaterThan(20);
    expect(pts.map((_, n) => ptsAt(runs, n))).toEqual(pts);
  });

  it('gives back the only frame of a one-frame list', () => {
    expect(ptsAt(ptsRuns([99]), 0)).toBe(99);
  });
});

describe('setptsChain, evaluated by ffmpeg', () => {
  it('gives every frame of a constant-rate video its pts with one filter', async () => {
    const pts = Array.from({ length: 40 }, (_, n) => 1000 + 40 * n);
    expect(setptsChain(ptsRuns(pts))).toHaveLength(1);
    expect(await ffmpegPts(setptsChain(ptsRuns(pts)), 40)).toEqual(pts);
  });

  it('gives every frame of a variable-rate list with jumps its pts', async () => {
    const pts = vfrPts(40, 11, 2000);
    const runs = ptsRuns(pts);
    expect(runs.length).toBeGreaterThan(3);
    expect(await ffmpegPts(setptsChain(runs), 40)).toEqual(pts);
  });

  it('handles spacing that shrinks and negative timestamps', async () => {
    const pts = [-80, -40, 0, 50, 100, 110, 120, 130, 400, 401];
    expect(await ffmpegPts(setptsChain(ptsRuns(pts)), pts.length)).toEqual(pts);
  });

  it(`cuts 2000 runs into filters of at most ${termsPerFilter} terms that stay exact`, async () => {
    // spacing alternates 33, 34, 33, 34 ..., so every other frame starts a new run
    const frames = 4000;
    const pts = Array.from({ length: frames }, (_, n) => 33 * n + Math.floor(n / 2));
    const runs = ptsRuns(pts);
    expect(runs).toHaveLength(2000);
    const chain = setptsChain(runs);
    expect(chain).toHaveLength(Math.ceil(2000 / termsPerFilter));
    for (const filter of chain) expect(filter.split('gte(').length - 1).toBeLessThanOrEqual(termsPerFilter);
    expect(await ffmpegPts(chain, frames)).toEqual(pts);
  });
});

describe('rescale', () => {
  it('rounds to the nearest tick, halves away from zero, as av_rescale_q does', () => {
    expect(rescale(1001, { num: 1, den: 30000 }, { num: 1, den: 1_000_000 })).toBe(33367); // 33366.67
    expect(rescale(1, { num: 1, den: 2_000_000 }, { num: 1, den: 1_000_000 })).toBe(1); // 0.5 -> 1
    expect(rescale(-1, { num: 1, den: 2_000_000 }, { num: 1, den: 1_000_000 })).toBe(-1);
    expect(rescale(2 ** 40, { num: 1, den: 90000 }, { num: 1, den: 1_000_000 })).toBe(Math.round((2 ** 40 * 1e6) / 90000));
  });
});
