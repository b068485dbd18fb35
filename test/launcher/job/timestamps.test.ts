import { describe, expect, it } from 'vitest';
import { rescale } from '../../../common/ffmpeg/timestamps.js';
import { concatDurations, encoderTimeBase } from '../../../launcher/job/timestamps.js';

describe('concatDurations', () => {
  it('is the gap between first timestamps, in microseconds, for all but the last chunk', () => {
    expect(concatDurations([0, 1280, 2560], { num: 1, den: 1000 })).toEqual([1_280_000, 1_280_000]);
  });

  it('telescopes: the durations before chunk k sum to its start minus the first start, rounded as ffmpeg rounds each', () => {
    const tb = { num: 1, den: 30000 };
    const firsts = [5005, 37037, 69069, 101101, 133133];
    const durations = concatDurations(firsts, tb);
    let sum = 0;
    firsts.slice(1).forEach((p, k) => {
      sum += durations[k];
      expect(sum).toBe(rescale(p, tb, { num: 1, den: 1e6 }) - rescale(firsts[0], tb, { num: 1, den: 1e6 }));
    });
  });
});

describe('encoderTimeBase', () => {
  it('is one frame for a constant 30 fps video in a 1/3000 time base', () => {
    const pts = Array.from({ length: 30 }, (_, n) => 100 * n);
    expect(encoderTimeBase(pts, 0, { num: 1, den: 3000 })).toEqual({ num: 1, den: 30 });
  });

  it('is 1001/30000 for NTSC 29.97 fps in a 1/30000 time base', () => {
    const pts = Array.from({ length: 30 }, (_, n) => 1001 * n);
    expect(encoderTimeBase(pts, 0, { num: 1, den: 30000 })).toEqual({ num: 1001, den: 30000 });
  });

  it('counts the first frame’s distance from the origin', () => {
    const pts = Array.from({ length: 10 }, (_, n) => 90_000 + 3000 * n);
    expect(encoderTimeBase(pts, 0, { num: 1, den: 90000 })).toEqual({ num: 1, den: 30 });
    expect(encoderTimeBase(pts, 1500, { num: 1, den: 90000 })).toEqual({ num: 1, den: 60 });
  });

  it('keeps the source time base when the only exact tick is finer than 1 ms (every timestamp stays exact)', () => {
    expect(encoderTimeBase([0, 3003, 6006, 9010], 0, { num: 1, den: 90000 })).toEqual({ num: 1, den: 90000 });
  });

  it('takes a tick of exactly 1 ms', () => {
    expect(encoderTimeBase([0, 33, 67, 100], 0, { num: 1, den: 1000 })).toEqual({ num: 1, den: 1000 });
  });

  it('keeps the source time base for a single frame at the origin', () => {
    expect(encoderTimeBase([0], 0, { num: 1, den: 25 })).toEqual({ num: 1, den: 25 });
  });
});
