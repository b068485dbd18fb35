import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CancelledError } from '../../rank/cancelled-error.js';
import { runPipeline, type PipelineStages } from '../../rank/pipeline.js';

// Fake stages that only sleep, on fake timers and a fake clock: stage times and overlap are exact, and
// the tests take no real time.
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
});

afterEach(() => {
  vi.useRealTimers();
});

interface Fakes {
  batches: number;
  decodeMs: number;
  inferMs: number;
  encodeMs: number;
  /** Batch index whose inference throws. */
  failInferAt?: number;
}

/** A slow decoder, a slow stylizer and a slow encoder, with a record of what each did. */
function fakeStages(f: Fakes) {
  const seen = { decoded: 0, inferred: [] as number[], encoded: [] as number[], stops: 0, maxInFlight: 0 };
  const stages: PipelineStages<number, string> = {
    async decode(push, signal) {
      for (let i = 0; i < f.batches && !signal.aborted; i++) {
        await sleep(f.decodeMs);
        seen.decoded++;
        seen.maxInFlight = Math.max(seen.maxInFlight, seen.decoded - seen.encoded.length);
        await push(i);
      }
    },
    async infer(i) {
      await sleep(f.inferMs);
      if (i === f.failInferAt) throw new Error(`model failed on batch ${i}`);
      seen.inferred.push(i);
      return `styled ${i}`;
    },
    async encode(batch) {
      await sleep(f.encodeMs);
      seen.encoded.push(Number(batch.split(' ')[1]));
    },
    async stop() {
      seen.stops++;
    },
  };
  return { stages, seen };
}

/** Runs the fake clock until `p` settles. */
async function settled<T>(p: Promise<T>): Promise<T> {
  const outcome = p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  await vi.runAllTimersAsync();
  const o = await outcome;
  if (!o.ok) throw o.error;
  return o.value;
}

describe('runPipeline', () => {
  it('overlaps decode, inference and encode: wall time is the slowest stage, not the sum of the three', async () => {
    const { stages, seen } = fakeStages({ batches: 10, decodeMs: 20, inferMs: 30, encodeMs: 25 });
    const times = await settled(runPipeline(stages, { queueBatches: 1 }).done);
    const serialMs = 10 * (20 + 30 + 25);
    // the first batch's decode, ten inferences back to back, the last batch's encode
    expect(times.wallMs).toBeGreaterThanOrEqual(20 + 10 * 30 + 25);
    expect(times.wallMs).toBeLessThanOrEqual(20 + 10 * 30 + 25 + 1);
    expect(times.wallMs).toBeLessThan(serialMs / 2);
    expect(seen.encoded).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('counts each stage busy only while it works, not while it waits for another stage', async () => {
    const { stages } = fakeStages({ batches: 8, decodeMs: 5, inferMs: 40, encodeMs: 10 });
    const times = await settled(runPipeline(stages, { queueBatches: 1 }).done);
    // decode and encode spend most of the wall waiting for the slow model; none of that is counted
    expect(times.decodeMs).toBeCloseTo(8 * 5, 0);
    expect(times.inferenceMs).toBeCloseTo(8 * 40, 0);
    expect(times.encodeMs).toBeCloseTo(8 * 10, 0);
    expect(times.wallMs).toBeGreaterThanOrEqual(8 * 40);
  });

  it('gives every batch to every stage exactly once and in order, reporting each encoded batch', async () => {
    const { stages, seen } = fakeStages({ batches: 25, decodeMs: 3, inferMs: 7, encodeMs: 5 });
    const reported: string[] = [];
    await settled(runPipeline(stages, { queueBatches: 2, onEncoded: (b) => reported.push(b) }).done);
    const all = Array.from({ length: 25 }, (_, i) => i);
    expect(seen.decoded).toBe(25);
    expect(seen.inferred).toEqual(all);
    expect(seen.encoded).toEqual(all);
    expect(reported).toEqual(all.map((i) => `styled ${i}`));
    expect(seen.stops).toBe(0);
  });

  it('keeps a fast decoder at most a few batches ahead of a slow encoder (backpressure)', async () => {
    const { stages, seen } = fakeStages({ batches: 30, decodeMs: 1, inferMs: 1, encodeMs: 50 });
    await settled(runPipeline(stages, { queueBatches: 1 }).done);
    // one batch in each stage and one in each queue
    expect(seen.maxInFlight).toBeLessThanOrEqual(5);
    expect(seen.encoded).toHaveLength(30);
  });

  it('fails with the middle stage\'s error and stops decode and encode promptly when inference fails', async () => {
    const { stages, seen } = fakeStages({ batches: 100, decodeMs: 10, inferMs: 10, encodeMs: 10, failInferAt: 3 });
    const run = runPipeline(stages, { queueBatches: 1 });
    await expect(settled(run.done)).rejects.toThrow('model failed on batch 3');
    expect(seen.stops).toBe(1);
    expect(seen.inferred).toEqual([0, 1, 2]);
    expect(seen.encoded.every((i) => i < 3)).toBe(true);
    // the decoder stopped a few batches ahead of the failure, not at the end of its 100
    expect(seen.decoded).toBeLessThanOrEqual(3 + 1 + 1 + 1);
    // and nothing moves once it has failed
    const after = { ...seen, encoded: [...seen.encoded] };
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.decoded).toBe(after.decoded);
    expect(seen.encoded).toEqual(after.encoded);
  });

  it('stops every stage and rejects with CancelledError when cancelled', async () => {
    const { stages, seen } = fakeStages({ batches: 100, decodeMs: 10, inferMs: 10, encodeMs: 10 });
    const run = runPipeline(stages, { queueBatches: 1 });
    const done = run.done.catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(55);
    await run.cancel();
    expect(await done).toBeInstanceOf(CancelledError);
    expect(seen.stops).toBe(1);
    const decoded = seen.decoded;
    await vi.advanceTimersByTimeAsync(1000);
    expect(seen.decoded).toBeLessThanOrEqual(decoded + 1);
    expect(seen.encoded.length).toBeLessThan(10);
  });
});
