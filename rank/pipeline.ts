// Runs a rank's three stages at once, each as its own loop, joined by two bounded queues:
//   decode --(queue)--> infer --(queue)--> encode
// Decode gathers the next batch while inference works on this one, and encode feeds ffmpeg the batch
// before, so the model never waits for ffmpeg while frames are there. The queues' capacity bounds the
// batches in flight between stages; a stage that gets ahead waits for room. The first error of any
// stage fails the pipeline: both queues fail (waking the stages blocked on them), the stages' I/O is
// stopped (ffmpeg killed, the open chunk dropped) and `done` rejects with that error.
import { BoundedQueue } from './bounded-queue.js';
import { CancelledError } from './cancelled-error.js';

/**
 * Where a pipeline's time went, in ms. The stages overlap, so their busy times may add up to more
 * than the wall time; each says how long that stage was at work (or waiting on its own tool), never
 * how long it waited for another stage. The stages share one JS thread, so an await of one stage may
 * also cover moments the thread spent on another's synchronous work (e.g. tensor conversion).
 */
export interface StageTimes {
  /** Decode busy: time the decode stage spent getting frames from the decoder (not waiting for queue room). */
  decodeMs: number;
  /** Inference busy: time inside the infer stage (Stylizer.run: tensor conversion and the model). */
  inferenceMs: number;
  /** Encode busy: time inside the encode stage (writing frames to the encoder, chunk commits included). */
  encodeMs: number;
  /** From the start of the pipeline until now (or its end). */
  wallMs: number;
}

/** The three stages; batches pass through them in order, one at a time per stage. */
export interface PipelineStages<In, Out> {
  /** Produces every batch in order through `push` (which waits while the queue is full); resolves after the last. */
  decode(push: (batch: In) => Promise<void>, signal: AbortSignal): Promise<void>;
  infer(batch: In): Promise<Out>;
  /** Writes one batch; should check `signal` between writes so no new work starts once the pipeline has failed. */
  encode(batch: Out, signal: AbortSignal): Promise<void>;
  /** Unblocks I/O a stage may be waiting on and drops unfinished output; called once, on failure or cancel. */
  stop(): Promise<void>;
}

/** How a pipeline runs. */
export interface PipelineOptions<Out> {
  /** Capacity of each queue, in batches. */
  queueBatches: number;
  /** After each batch is encoded, with the times so far. */
  onEncoded?(batch: Out, times: StageTimes): void;
}

/** A pipeline in flight. */
export interface RunningPipeline {
  /** Resolves once every batch is encoded; rejects with the first stage's error, or CancelledError. */
  done: Promise<StageTimes>;
  /** Stops every stage and drops unfinished output; resolves once the stages' I/O is stopped. */
  cancel(): Promise<void>;
}

/** Starts the three stages; see the file comment. */
export function runPipeline<In, Out>(stages: PipelineStages<In, Out>, opts: PipelineOptions<Out>): RunningPipeline {
  const started = performance.now();
  const times: StageTimes = { decodeMs: 0, inferenceMs: 0, encodeMs: 0, wallMs: 0 };
  const snapshot = (): StageTimes => ({ ...times, wallMs: performance.now() - started });
  const decoded = new BoundedQueue<In>(opts.queueBatches);
  const styled = new BoundedQueue<Out>(opts.queueBatches);
  const abort = new AbortController();
  let failure: { error: unknown } | undefined;
  let markStopped: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (markStopped = resolve));

  const fail = (error: unknown): Promise<void> => {
    if (!failure) {
      failure = { error };
      abort.abort(error);
      decoded.fail(error);
      styled.fail(error);
      // a failure to clean up must not hide the error that made us clean up
      void stages.stop().catch(() => {}).then(markStopped);
    }
    return stopped;
  };

  const decodeLoop = async () => {
    // busy = the stage's own time, between the waits for room in the queue
    let since = performance.now();
    const push = async (batch: In) => {
      times.decodeMs += performance.now() - since;
      await decoded.push(batch);
      since = performance.now();
    };
    await stages.decode(push, abort.signal);
    times.decodeMs += performance.now() - since;
    decoded.close();
  };

  const inferLoop = async () => {
    for (let item = await decoded.take(); !item.done; item = await decoded.take()) {
      const t = performance.now();
      const out = await stages.infer(item.value);
      times.inferenceMs += performance.now() - t;
      await styled.push(out);
    }
    styled.close();
  };

  const encodeLoop = async () => {
    for (let item = await styled.take(); !item.done; item = await styled.take()) {
      const t = performance.now();
      await stages.encode(item.value, abort.signal);
      times.encodeMs += performance.now() - t;
      if (failure) return;
      opts.onEncoded?.(item.value, snapshot());
    }
  };

  const loops = Promise.all([decodeLoop, inferLoop, encodeLoop].map((loop) => loop().catch((e: unknown) => void fail(e))));
  const done = (async () => {
    await Promise.race([loops, stopped]);
    if (failure) {
      await stopped;
      throw failure.error;
    }
    return snapshot();
  })();
  return { done, cancel: () => fail(new CancelledError()) };
}
