import { describe, expect, it } from 'vitest';
import { type FrameSpan, scatter, scatterSpans, uncovered } from '../../../launcher/coordinator/scatter.js';

/** Every frame index the spans name, in the order they name them. */
function framesOf(spans: readonly FrameSpan[]): number[] {
  return spans.flatMap((s) => Array.from({ length: s.count }, (_, i) => s.start + i));
}

function range(start: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i);
}

describe('scatter', () => {
  it.each([
    { frames: 823, ranks: 4, sizes: [206, 206, 206, 205] },
    { frames: 7, ranks: 3, sizes: [3, 2, 2] },
    { frames: 5, ranks: 5, sizes: [1, 1, 1, 1, 1] },
    { frames: 12, ranks: 1, sizes: [12] },
    { frames: 8, ranks: 4, sizes: [2, 2, 2, 2] },
  ])('gives every frame to exactly one rank when $frames frames meet $ranks ranks', ({ frames, ranks, sizes }) => {
    const spans = scatter(frames, ranks);
    expect(spans.map((s) => s.count)).toEqual(sizes);
    // contiguous, in rank order, covering 0..frames-1 once
    let next = 0;
    for (const span of spans) {
      expect(span.start).toBe(next);
      next += span.count;
    }
    expect(framesOf(spans)).toEqual(range(0, frames));
  });

  it('gives one frame to each rank when there are exactly as many ranks as frames', () => {
    expect(scatter(3, 3)).toEqual([
      { start: 0, count: 1 },
      { start: 1, count: 1 },
      { start: 2, count: 1 },
    ]);
  });

  it('refuses more ranks than frames with a RangeError', () => {
    expect(() => scatter(3, 4)).toThrow(RangeError);
    expect(() => scatter(3, 4)).toThrow(/4 ranks need at least 4 frames, but there are 3/);
  });

  it.each([0, -1, 1.5, Number.NaN])('refuses %s ranks with a RangeError', (ranks) => {
    expect(() => scatter(10, ranks)).toThrow(RangeError);
    expect(() => scatter(10, ranks)).toThrow(/ranks must be a positive integer/);
  });
});

describe('scatterSpans', () => {
  const pending: FrameSpan[] = [
    { start: 0, count: 10 },
    { start: 50, count: 5 },
    { start: 90, count: 20 },
  ];

  it('gives every pending frame to exactly one rank, in order, when 35 frames in three spans meet 4 ranks', () => {
    const shares = scatterSpans(pending, 4);
    expect(shares).toHaveLength(4);
    expect(framesOf(shares.flat())).toEqual(framesOf(pending));
  });

  it('keeps the ranks’ shares within one frame of each other, the larger ones first', () => {
    const sizes = scatterSpans(pending, 4).map((share) => share.reduce((sum, s) => sum + s.count, 0));
    expect(sizes).toEqual([9, 9, 9, 8]);
  });

  it('splits a share across the pending spans it straddles', () => {
    expect(scatterSpans(pending, 4)).toEqual([
      [{ start: 0, count: 9 }],
      [
        { start: 9, count: 1 },
        { start: 50, count: 5 },
        { start: 90, count: 3 },
      ],
      [{ start: 93, count: 9 }],
      [{ start: 102, count: 8 }],
    ]);
  });

  it('gives each rank one span when there is one pending span', () => {
    const shares = scatterSpans([{ start: 100, count: 10 }], 3);
    expect(shares).toEqual([[{ start: 100, count: 4 }], [{ start: 104, count: 3 }], [{ start: 107, count: 3 }]]);
  });

  it('refuses more ranks than pending frames with a RangeError', () => {
    expect(() => scatterSpans([{ start: 4, count: 1 }, { start: 9, count: 1 }], 3)).toThrow(RangeError);
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

  it('hands back gaps that scatterSpans then shares out exactly once', () => {
    const gaps = uncovered(823, [{ start: 100, count: 206 }, { start: 500, count: 50 }]);
    const shares = scatterSpans(gaps, 4);
    const covered = [...framesOf(shares.flat()), ...range(100, 206), ...range(500, 50)].sort((a, b) => a - b);
    expect(covered).toEqual(range(0, 823));
  });
});
