import { describe, expect, it } from 'vitest';
import { seekMarginSeconds, seekPoints } from '../../../launcher/coordinator/seek.js';

// 25 fps in a 1/12800 time base (what libx264 in MP4 writes): frame n at 512 n ticks = n / 25 s
const info = { pts: Array.from({ length: 500 }, (_, n) => 512 * n), timeBase: { num: 1, den: 12800 }, startSeconds: 0 };

describe('seekPoints', () => {
  it('neither seeks nor trims for a range that starts at frame 0', () => {
    expect(seekPoints(info, 0)).toEqual({ seekSeconds: 0, trimSeconds: -1 });
  });

  it('trims halfway between the previous frame and the first frame of the range', () => {
    // frame 100 at 4.00 s, frame 99 at 3.96 s
    expect(seekPoints(info, 100).trimSeconds).toBeCloseTo(3.98, 9);
  });

  it(`seeks ${seekMarginSeconds} s before the first frame`, () => {
    expect(seekPoints(info, 100).seekSeconds).toBeCloseTo(4 - seekMarginSeconds, 9);
  });

  it('never seeks before the start of the file', () => {
    expect(seekPoints(info, 25)).toEqual({ seekSeconds: 0, trimSeconds: expect.closeTo(0.98, 9) });
  });

  it('seeks relative to the container start but trims on absolute time', () => {
    const shifted = { ...info, pts: info.pts.map((p) => p + 12800 * 10), startSeconds: 10 };
    const points = seekPoints(shifted, 100);
    expect(points.seekSeconds).toBeCloseTo(4 - seekMarginSeconds, 9);
    expect(points.trimSeconds).toBeCloseTo(13.98, 9);
  });

  it('uses the real neighbouring timestamps of a variable-rate video', () => {
    const vfr = { pts: [0, 40, 80, 200, 3000, 3033], timeBase: { num: 1, den: 1000 }, startSeconds: 0 };
    expect(seekPoints(vfr, 4)).toEqual({ seekSeconds: expect.closeTo(1, 9), trimSeconds: expect.closeTo(1.6, 9) });
  });
});
