// Frame buffers a rank uses again. The decoder's bytes are copied into one buffer per frame; once the model has
// run on a frame, its buffer is given back here and the next frame is copied into it. A fresh buffer for every
// frame cost up to ~165 page faults a 720x720 yuv420p frame (the kernel zero-fills fresh memory on first touch),
// 2-5% of a whole job's wall on 2 cores (BENCHMARKS.md, "Frame buffers used again").

/** Buffers of one frame size, up to `cap` of them kept for reuse. */
export class FramePool {
  private readonly free: Buffer[] = [];

  constructor(
    readonly frameBytes: number,
    private readonly cap: number,
  ) {}

  /** A buffer of frameBytes whose contents are undefined: one given back, or a new one. */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafeSlow(this.frameBytes);
  }

  /**
   * Gives back a frame's buffer that nothing reads or writes any more. Only a buffer that is a whole
   * allocation of frameBytes is kept: a view into a larger one (a model's output), one moved to another thread
   * (detached, now empty), or one over the cap is left to the garbage collector.
   */
  give(frame: Buffer): void {
    if (frame.byteLength !== this.frameBytes || frame.byteOffset !== 0 || frame.buffer.byteLength !== this.frameBytes) return;
    if (this.free.length >= this.cap || this.free.includes(frame)) return;
    this.free.push(frame);
  }

  /** Buffers waiting to be taken (for tests). */
  get size(): number {
    return this.free.length;
  }
}
