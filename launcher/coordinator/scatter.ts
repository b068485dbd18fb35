// Which frames go to which rank: pure functions of (frames still to do, number of ranks).

/** A contiguous run of frames: [start, start + count). */
export interface FrameSpan {
  start: number;
  count: number;
}

/**
 * Splits the frames of `pending` (in order) over `ranks` ranks so that every frame goes to exactly one
 * rank, each rank's share is contiguous within `pending`, and shares differ by at most one frame
 * (the first `total mod ranks` ranks take one more). With one pending span each rank gets one span.
 */
export function scatterSpans(pending: readonly FrameSpan[], ranks: number): FrameSpan[][] {
  if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`ranks must be a positive integer, got ${ranks}`);
  const total = pending.reduce((sum, s) => sum + s.count, 0);
  if (total < ranks) throw new RangeError(`${ranks} ranks need at least ${ranks} frames, but there are ${total}`);
  const base = Math.floor(total / ranks);
  const extra = total % ranks;
  const shares: FrameSpan[][] = [];
  let spanIndex = 0;
  let offset = 0; // frames of pending[spanIndex] already given out
  for (let r = 0; r < ranks; r++) {
    let want = base + (r < extra ? 1 : 0);
    const share: FrameSpan[] = [];
    while (want > 0) {
      const span = pending[spanIndex];
      const take = Math.min(want, span.count - offset);
      share.push({ start: span.start + offset, count: take });
      want -= take;
      offset += take;
      if (offset === span.count) {
        spanIndex++;
        offset = 0;
      }
    }
    shares.push(share);
  }
  return shares;
}

/** The even contiguous split of frames 0..totalFrames-1 over `ranks` ranks. */
export function scatter(totalFrames: number, ranks: number): FrameSpan[] {
  return scatterSpans([{ start: 0, count: totalFrames }], ranks).map((share) => share[0]);
}

/** The spans of [0, totalFrames) not covered by `done` (which may overlap and come in any order). */
export function uncovered(totalFrames: number, done: readonly FrameSpan[]): FrameSpan[] {
  const sorted = [...done].sort((a, b) => a.start - b.start);
  const gaps: FrameSpan[] = [];
  let next = 0;
  for (const s of sorted) {
    if (s.start > next) gaps.push({ start: next, count: Math.min(s.start, totalFrames) - next });
    next = Math.max(next, s.start + s.count);
    if (next >= totalFrames) break;
  }
  if (next < totalFrames) gaps.push({ start: next, count: totalFrames - next });
  return gaps.filter((g) => g.count > 0);
}
