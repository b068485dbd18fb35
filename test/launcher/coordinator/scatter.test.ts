import { describe, expect, it } from 'vitest';
import { type FrameSpan, gridUnits, scatterUnits, uncovered } from '../../../launcher/coordinator/scatter.js';

/** Every frame index the spans name, in the order they name them. */
function framesOf(spans: readonly FrameSpan[]): number[] {
  return spans.flatMap((s) => Array.from({ length: s.count }, (_, i) => s.start + i));
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

/** Frames in each rank's share. */
function sizes(shares: readonly FrameSpan[][]): number[] {
  return shares.map((share) => share.reduce((sum, s) => sum + s.count, 0));
}

describe('gridUnits', () => {
  it('cuts pending spans at every multiple of the chunk length, so a chunk is the same frames on any attempt', () => {
    expect(gridUnits([{ start: 0, count: 10 }, { start: 13, count: 10 }], 8)).toEqual([
      { start: 0, count: 8 }, { start: 8, count: 2 }, { start: 13, count: 3 }, { start: 16, count: 7 },
    ]);
  });

  it.each([0, -1, 1.5])('refuses a chunk length of %s with a RangeError', (cell) => {
    expect(() => gridUnits([{ start: 0, count: 10 }], cell)).toThrow(RangeError);
  });
});

describe('scatterUnits', () => {
  it.each([
    { frames: 823, ranks: 4, cell: 69, sizes: [207, 207, 207, 202] },
    { frames: 823, ranks: 4, cell: 60, sizes: [180, 240, 180, 223] },
    { frames: 103, ranks: 4, cell: 5, sizes: [25, 25, 25, 28] },
    { frames: 7, ranks: 3, cell: 2, sizes: [2, 2, 3] },
    { frames: 5, ranks: 5, cell: 1, sizes: [1, 1, 1, 1, 1] },
    { frames: 12, ranks: 1, cell: 5, sizes: [12] },
  ])('gives every frame to exactly one rank, in whole chunks, when $frames frames in chunks of $cell meet $ranks ranks', ({ frames, ranks, cell, sizes: expected }) => {
    const shares = scatterUnits([{ start: 0, count: frames }], ranks, cell);
    expect(sizes(shares)).toEqual(expected);
    // contiguous, in rank order, covering 0..frames-1 once, each share starting on the grid
    let next = 0;
    for (const [span] of shares) {
      expect(span.start).toBe(next);
      expect(span.start % cell).toBe(0);
      next += span.count;
    }
    expect(framesOf(shares.flat())).toEqual(range(0, frames));
  });

  const pending: FrameSpan[] = [
    { start: 0, count: 10 },
    { start: 50, count: 5 },
    { start: 90, count: 20 },
  ];

  it('gives every pending frame to exactly one rank, in order, when 35 frames in three spans meet 4 ranks', () => {
    const shares = scatterUnits(pending, 4, 4);
    expect(shares).toHaveLength(4);
    expect(framesOf(shares.flat())).toEqual(framesOf(pending));
  });

  it('ends each share at the chunk boundary nearest an even split, straddling pending spans where it must', () => {
    expect(scatterUnits(pending, 4, 4)).toEqual([
      [{ start: 0, count: 8 }],
      [{ start: 8, count: 2 }, { start: 50, count: 5 }, { start: 90, count: 2 }],
      [{ start: 92, count: 8 }],
      [{ start: 100, count: 10 }],
    ]);
  });

  it('gives every rank at least one chunk, however uneven the chunks', () => {
    const shares = scatterUnits([{ start: 0, count: 100 }, { start: 200, count: 1 }, { start: 300, count: 1 }], 3, 100);
    expect(shares).toEqual([[{ start: 0, count: 100 }], [{ start: 200, count: 1 }], [{ start: 300, count: 1 }]]);
  });

  it('refuses more ranks than chunks with a RangeError', () => {
    expect(() => scatterUnits([{ start: 0, count: 10 }], 3, 5)).toThrow(/3 ranks need at least 3 chunks, but there are 2/);
  });
});

describe('uncovered', () => {
  it('returns the whole video when nothing is done', () => {
    expect(uncovered(100, [])).toEqual([{ start: 0, count: 100 }]);
  });

  it('returns nothing when the done spans cover every frame', () => {
    expect(uncovered(30, [{ start: 0, count: 10 }, { start: 10, count: 20 }])).toEqual([]);
  });

  it('finds the gaps between done spans that overlap and come out of order', () => {
    const done: FrameSpan[] = [
      { start: 40, count: 10 },
      { start: 5, count: 10 },
      { start: 10, count: 10 }, // overlaps the one before
      { start: 42, count: 3 }, // inside another
    ];
    expect(uncovered(60, done)).toEqual([
      { start: 0, count: 5 },
      { start: 20, count: 20 },
      { start: 50, count: 10 },
    ]);
  });

  it('ignores done frames past the end of the video', () => {
    expect(uncovered(20, [{ start: 15, count: 100 }])).toEqual([{ start: 0, count: 15 }]);
  });

  it('hands back gaps that scatterUnits then shares out exactly once', () => {
    const gaps = uncovered(823, [{ start: 100, count: 206 }, { start: 500, count: 50 }]);
    const shares = scatterUnits(gaps, 4, 50);
    const covered = [...framesOf(shares.flat()), ...range(100, 206), ...range(500, 50)].sort((a, b) => a - b);
    expect(covered).toEqual(range(0, 823));
  });
});
