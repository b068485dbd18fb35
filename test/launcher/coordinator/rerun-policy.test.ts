import { describe, expect, it } from 'vitest';
import { activeSlots, mergeSpans, pendingFrames, redoneFrames } from '../../../launcher/coordinator/rerun-policy.js';

const entry = (start: number, count: number) => ({ start, count, key: `k${start}`, sha256: 's', attempt: 1, rank: 0 });

describe('rerun policy', () => {
  it('runs every slot when nothing has failed yet', () => {
    expect(activeSlots(4, [], 4)).toEqual([0, 1, 2, 3]);
  });

  it('keeps a slot that failed once', () => {
    expect(activeSlots(3, [{ slots: [0, 1, 2], failedSlot: 1 }], 1)).toEqual([0, 1, 2]);
  });

  it('leaves out a slot that was the root cause of two attempts in a row when --min-ranks allows', () => {
    const history = [{ slots: [0, 1, 2], failedSlot: 1 }, { slots: [0, 1, 2], failedSlot: 1 }];
    expect(activeSlots(3, history, 2)).toEqual([0, 2]);
  });

  it('keeps every slot when leaving one out would go below --min-ranks', () => {
    const history = [{ slots: [0, 1], failedSlot: 1 }, { slots: [0, 1], failedSlot: 1 }];
    expect(activeSlots(2, history, 2)).toEqual([0, 1]);
  });

  it('does not bring back a slot left out earlier', () => {
    const history = [{ slots: [0, 1, 2], failedSlot: 1 }, { slots: [0, 1, 2], failedSlot: 1 }, { slots: [0, 2], failedSlot: 0 }];
    expect(activeSlots(3, history, 1)).toEqual([0, 2]);
  });

  it('leaves out every slot of another host whose ranks were the root cause of two attempts in a row, whichever slot failed', () => {
    const where = { hosts: ['me', 'me', 'node-b', 'node-b'], localHost: 'me' };
    const history = [{ slots: [0, 1, 2, 3], failedSlot: 2 }, { slots: [0, 1, 2, 3], failedSlot: 3 }];
    expect(activeSlots(4, history, 1, where)).toEqual([0, 1]);
    expect(activeSlots(4, history, 3, where)).toEqual([0, 1, 2, 3]); // --min-ranks 3 keeps them all
  });

  it('never leaves out the launcher’s own host whole: its slots go one by one', () => {
    const where = { hosts: ['me', 'me', 'node-b'], localHost: 'me' };
    expect(activeSlots(3, [{ slots: [0, 1, 2], failedSlot: 0 }, { slots: [0, 1, 2], failedSlot: 1 }], 1, where)).toEqual([0, 1, 2]);
    expect(activeSlots(3, [{ slots: [0, 1, 2], failedSlot: 2 }, { slots: [0, 1, 2], failedSlot: 0 }], 1, where)).toEqual([0, 1, 2]);
  });

  it('scatters only frames no committed chunk covers, by default', () => {
    expect(pendingFrames(100, [entry(0, 32), entry(50, 10)], 'resume')).toEqual([{ start: 32, count: 18 }, { start: 60, count: 40 }]);
  });

  it('scatters every frame with --rerun whole', () => {
    expect(pendingFrames(100, [entry(0, 32)], 'whole')).toEqual([{ start: 0, count: 100 }]);
  });

  it('counts frames given out before as redone, once each', () => {
    expect(redoneFrames([{ start: 10, count: 20 }], [{ start: 0, count: 15 }, { start: 5, count: 10 }, { start: 25, count: 100 }])).toBe(10);
    expect(redoneFrames([{ start: 0, count: 5 }], [])).toBe(0);
  });

  it('merges overlapping and touching spans', () => {
    expect(mergeSpans([{ start: 5, count: 5 }, { start: 0, count: 5 }, { start: 20, count: 1 }, { start: 8, count: 4 }])).toEqual([
      { start: 0, count: 12 },
      { start: 20, count: 1 },
    ]);
  });
});
