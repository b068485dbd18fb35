import { describe, expect, it } from 'vitest';
import { BoundedQueue } from '../../rank/bounded-queue.js';

/** Lets every promise that can settle now settle. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled yet. */
function watch<T>(p: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let settled = false;
  const promise = p.finally(() => (settled = true));
  promise.catch(() => {});
  return { settled: () => settled, promise };
}

describe('BoundedQueue', () => {
  it('gives items in the order they were pushed, then the end once closed', async () => {
    const q = new BoundedQueue<number>(2);
    await q.push(1);
    await q.push(2);
    q.close();
    expect(await q.take()).toEqual({ done: false, value: 1 });
    expect(await q.take()).toEqual({ done: false, value: 2 });
    expect(await q.take()).toEqual({ done: true });
    expect(await q.take()).toEqual({ done: true });
  });

  it('makes a producer wait while the queue is full, until the consumer takes an item', async () => {
    const q = new BoundedQueue<number>(1);
    await q.push(1);
    const second = watch(q.push(2));
    await settle();
    expect(second.settled()).toBe(false);
    expect(q.size).toBe(1);
    expect(await q.take()).toEqual({ done: false, value: 1 });
    await second.promise;
    expect(await q.take()).toEqual({ done: false, value: 2 });
  });

  it('makes a consumer wait while the queue is empty, until an item is pushed', async () => {
    const q = new BoundedQueue<string>(1);
    const taken = watch(q.take());
    await settle();
    expect(taken.settled()).toBe(false);
    await q.push('a');
    expect(await taken.promise).toEqual({ done: false, value: 'a' });
  });

  it('ends a waiting consumer when the producer closes the queue', async () => {
    const q = new BoundedQueue<number>(1);
    const taken = q.take();
    q.close();
    expect(await taken).toEqual({ done: true });
  });

  it('rejects a waiting producer and a later consumer with the error it failed with, dropping its items', async () => {
    const q = new BoundedQueue<number>(1);
    await q.push(1);
    const blocked = q.push(2);
    const boom = new Error('stage failed');
    q.fail(boom);
    await expect(blocked).rejects.toBe(boom);
    await expect(q.take()).rejects.toBe(boom);
    await expect(q.push(3)).rejects.toBe(boom);
    expect(q.size).toBe(0);
  });

  it('rejects a waiting consumer when it fails, and keeps the first error when failed twice', async () => {
    const q = new BoundedQueue<number>(1);
    const taken = q.take();
    const first = new Error('first');
    q.fail(first);
    q.fail(new Error('second'));
    await expect(taken).rejects.toBe(first);
    await expect(q.take()).rejects.toBe(first);
  });

  it('refuses a push after close, and a capacity below 1', async () => {
    const q = new BoundedQueue<number>(1);
    q.close();
    await expect(q.push(1)).rejects.toThrow('push on a closed queue');
    expect(() => new BoundedQueue<number>(0)).toThrow(RangeError);
  });
});
