import { describe, expect, it } from 'vitest';
import { FramePool } from '../../rank/frame-pool.js';

describe('FramePool', () => {
  it('gives back the buffers it was given, newest first, then new ones of the frame size', () => {
    const pool = new FramePool(12, 4);
    const a = pool.take();
    const b = pool.take();
    expect([a.length, b.length, a === b]).toEqual([12, 12, false]);
    pool.give(a);
    pool.give(b);
    expect(pool.take()).toBe(b);
    expect(pool.take()).toBe(a);
    expect(pool.take()).not.toBe(a);
  });

  it('keeps only whole buffers of its frame size: not a view, not a moved (detached) buffer, not one twice, not over its cap', () => {
    const pool = new FramePool(12, 2);
    pool.give(Buffer.alloc(13));
    pool.give(Buffer.alloc(24).subarray(12)); // a view into a model's output of two frames
    pool.give(Buffer.alloc(24).subarray(0, 12));
    const moved = pool.take();
    structuredClone(moved.buffer, { transfer: [moved.buffer as ArrayBuffer] }); // as a frame sent to the inference thread
    pool.give(moved);
    expect(pool.size).toBe(0);
    const a = pool.take();
    pool.give(a);
    pool.give(a);
    expect(pool.size).toBe(1);
    pool.give(pool.take());
    pool.give(Buffer.allocUnsafeSlow(12));
    pool.give(Buffer.allocUnsafeSlow(12));
    expect(pool.size).toBe(2);
  });
});
