// Which ranks run the next attempt, and on which frames: pure functions of the job's history.
import type { JournalEntry } from '../job-store/journal.js';
import { uncovered, type FrameSpan } from './scatter.js';

/** How a rerun treats work committed by earlier attempts. */
export type RerunMode =
  /** keep verified chunks; scatter only the frames no chunk covers (the default) */
  | 'resume'
  /** redo every frame, as the AML MPI step does */
  | 'whole';

/** One finished (failed) attempt, as the policy needs it. */
export interface AttemptRecord {
  /** Slot indexes (positions in the original placement) that ran in the attempt. */
  slots: number[];
  /** Slot of the root-cause rank, if a rank was the root cause. */
  failedSlot?: number;
}

/** Failures of the same slot on this many consecutive attempts take it out of later attempts. */
export const consecutiveFailuresToExclude = 2;

/** Where the slots are: the host of each slot, and which host is the launcher's own. */
export interface SlotHosts {
  readonly hosts: readonly string[];
  readonly localHost: string;
}

/**
 * Slots for the next attempt: every slot, minus those that were the root cause of the last
 * `consecutiveFailuresToExclude` attempts in a row, as long as at least `minRanks` remain (Horovod's
 * blacklisting, elastic shrink). Given where the slots are, a host other than the launcher's whose ranks
 * were the root cause of those attempts goes out whole, whichever of its slots failed: a host that died or
 * cannot be reached fails each of its slots in turn, and waiting for each to fail twice would spend
 * every restart on it.
 */
export function activeSlots(slotCount: number, history: readonly AttemptRecord[], minRanks: number, where?: SlotHosts): number[] {
  const excluded = new Set<number>();
  const recent = history.slice(-consecutiveFailuresToExclude);
  const repeated = recent.length === consecutiveFailuresToExclude;
  for (let slot = 0; slot < slotCount; slot++) {
    if (repeated && recent.every((a) => a.failedSlot === slot)) excluded.add(slot);
  }
  const failedHosts = recent.map((a) => (a.failedSlot === undefined ? undefined : where?.hosts[a.failedSlot]));
  const host = failedHosts[0];
  if (repeated && host !== undefined && host !== where!.localHost && failedHosts.every((h) => h === host)) {
    where!.hosts.forEach((h, slot) => h === host && excluded.add(slot));
  }
  // earlier exclusions stay: a slot left out never ran since, so it cannot have redeemed itself
  const previous = history.at(-1)?.slots;
  const all = Array.from({ length: slotCount }, (_, i) => i);
  const candidates = (previous ?? all).filter((s) => !excluded.has(s));
  return candidates.length >= minRanks ? candidates : previous ?? all;
}

/** Frames the next attempt must style. */
export function pendingFrames(totalFrames: number, committed: readonly JournalEntry[], mode: RerunMode): FrameSpan[] {
  return mode === 'whole' ? [{ start: 0, count: totalFrames }] : uncovered(totalFrames, committed);
}

/** How many frames of `spans` were already given to ranks by earlier attempts (work redone). */
export function redoneFrames(spans: readonly FrameSpan[], earlier: readonly FrameSpan[]): number {
  let redone = 0;
  for (const s of spans) {
    for (const e of mergeSpans(earlier)) {
      const lo = Math.max(s.start, e.start);
      const hi = Math.min(s.start + s.count, e.start + e.count);
      if (hi > lo) redone += hi - lo;
    }
  }
  return redone;
}

/** The union of spans, as sorted disjoint spans. */
export function mergeSpans(spans: readonly FrameSpan[]): FrameSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  const out: FrameSpan[] = [];
  for (const s of sorted) {
    const last = out.at(-1);
    if (last && s.start <= last.start + last.count) last.count = Math.max(last.count, s.start + s.count - last.start);
    else out.push({ ...s });
  }
  return out;
}
