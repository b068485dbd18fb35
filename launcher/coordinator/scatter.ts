// Which frames go to which rank: pure functions of (frames still to do, number of ranks, chunk grid).

/** A contiguous run of frames: [start, start + count). */
export interface FrameSpan {
  start: number;
  count: number;
}

/**
 * The pending frames cut at the chunk grid: chunk k holds frames [k * cellFrames, (k+1) * cellFrames), and
 * no unit crosses a grid line. Every chunk is then the same frames whichever rank encodes it, on whichever
 * attempt, so a lossy chunk encoder gives the output of a fault-free run.
 */
export function gridUnits(pending: readonly FrameSpan[], cellFrames: number): FrameSpan[] {
  if (!Number.isInteger(cellFrames) || cellFrames < 1) throw new RangeError(`cellFrames must be a positive integer, got ${cellFrames}`);
  const units: FrameSpan[] = [];
  for (const span of pending) {
    for (let start = span.start; start < span.start + span.count; ) {
      const end = Math.min(span.start + span.count, (Math.floor(start / cellFrames) + 1) * cellFrames);
      units.push({ start, count: end - start });
      start = end;
    }
  }
  return units;
}

/**
 * Splits the pending frames over `ranks` ranks in whole grid units (see gridUnits): each rank gets a
 * contiguous run of units, at least one, and its share ends at the unit boundary nearest to where an even
 * split by frames would end it. Needs at least `ranks` units. Contiguous units come back merged.
 */
export function scatterUnits(pending: readonly FrameSpan[], ranks: number, cellFrames: number): FrameSpan[][] {
  const units = gridUnits(pending, cellFrames);
  if (!Number.isInteger(ranks) || ranks < 1) throw new RangeError(`ranks must be a positive integer, got ${ranks}`);
  if (units.length < ranks) throw new RangeError(`${ranks} ranks need at least ${ranks} chunks, but there are ${units.length}`);
  const total = units.reduce((sum, u) => sum + u.count, 0);
  // before[i]: frames in units 0..i-1
  const before = [0];
  for (const u of units) before.push(before.at(-1)! + u.count);
  const cuts = [0];
  for (let r = 1; r < ranks; r++) {
    const target = (total * r) / ranks;
    let cut = cuts[r - 1] + 1;
    // the boundary nearest the even split, leaving a unit for each later rank
    while (cut < units.length - (ranks - r) && Math.abs(before[cut + 1] - target) < Math.abs(before[cut] - target)) cut++;
    cuts.push(cut);
  }
  cuts.push(units.length);
  return cuts.slice(0, -1).map((from, r) => mergeAdjacent(units.slice(from, cuts[r + 1])));
}

function mergeAdjacent(spans: readonly FrameSpan[]): FrameSpan[] {
  const out: FrameSpan[] = [];
  for (const s of spans) {
    const last = out.at(-1);
    if (last && last.start + last.count === s.start) last.count += s.count;
    else out.push({ ...s });
  }
  return out;
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
