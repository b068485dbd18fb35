// A small async FIFO between two stages of a rank's pipeline. Its capacity is the backpressure: a
// producer that gets ahead waits instead of piling frames up in memory, and a consumer that gets ahead
// waits for the next item. One producer and one consumer; an item goes to exactly one take().

/** What take() gives: the next item, or the end once the producer closed the queue and it is empty. */
export type Taken<T> = { done: false; value: T } | { done: true };

/** An async FIFO of at most `capacity` items, with close (no more items) and fail (stop everyone). */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private closed = false;
  private failure: { error: unknown } | undefined;
  /** Wakes a producer waiting for room, or a consumer waiting for an item. */
  private spaceWaiter: (() => void) | undefined;
  private itemWaiter: (() => void) | undefined;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a queue needs a capacity of at least 1, not ${capacity}`);
  }

  /** Items waiting to be taken. */
  get size(): number {
    return this.items.length;
  }

  /** Adds an item; waits while the queue is full. Rejects once the queue has failed; throws if closed. */
  async push(item: T): Promise<void> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.closed) throw new Error('push on a closed queue');
      if (this.items.length < this.capacity) break;
      await new Promise<void>((resolve) => (this.spaceWaiter = resolve));
    }
    this.items.push(item);
    this.wakeConsumer();
  }

  /** The next item; waits while the queue is empty and open. Rejects once the queue has failed. */
  async take(): Promise<Taken<T>> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.items.length > 0) {
        const value = this.items.shift() as T;
        this.wakeProducer();
        return { done: false, value };
      }
      if (this.closed) return { done: true };
      await new Promise<void>((resolve) => (this.itemWaiter = resolve));
    }
  }

  /** The producer is done: the consumer gets the items left, then the end. */
  close(): void {
    this.closed = true;
    this.wakeAll();
  }

  /** Stops both sides: items are dropped, and every waiting or later push/take rejects with `error`. */
  fail(error: unknown): void {
    if (this.failure) return;
    this.failure = { error };
    this.items.length = 0;
    this.wakeAll();
  }

  private wakeAll(): void {
    this.wakeProducer();
    this.wakeConsumer();
  }

  private wakeProducer(): void {
    const w = this.spaceWaiter;
    this.spaceWaiter = undefined;
    w?.();
  }

  private wakeConsumer(): void {
    const w = this.itemWaiter;
    this.itemWaiter = undefined;
    w?.();
  }
}
