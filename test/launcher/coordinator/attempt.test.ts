import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../../../common/log.js';
import { Attempt, type AttemptEvent, type AttemptPlan, type ChunkReport } from '../../../launcher/coordinator/attempt.js';
import { CoordinatorServer } from '../../../launcher/coordinator/server.js';
import { FakeSpawner, type FakeRank, type RankScript } from '../../support/fake-ranks.js';

const jobToken = '7e57ab1e'.repeat(6);
const framesPerRank = 24;
const quiet = createLogger('test', () => {});

/** Joins, waits for the welcome, and reports its model loaded. */
async function joinAndLoad({ client }: FakeRank): Promise<void> {
  client.join();
  await client.next('welcome');
  client.send({ ready: { execution_provider: 'cpu', load_ms: 12.4, model_note: 'candy (1 input)' } });
}

/** Styles its whole assignment in chunks of 8 frames, reports done, and exits 0 when told to finish. */
const works: RankScript = async (r) => {
  await joinAndLoad(r);
  const { assignment } = await r.client.next('assignment');
  let frames = 0;
  for (const range of assignment!.ranges) {
    for (let start = range.start; start < range.start + range.count; start += 8) r.client.commit(start, Math.min(8, range.start + range.count - start));
    frames += range.count;
  }
  r.client.done(frames);
  await r.client.next('finish');
  r.client.end();
  r.process.exit(0);
};

/** Gets its assignment, then its process exits with `code` (its stream dies with it). */
const crashesWith =
  (code: number): RankScript =>
  async (r) => {
    await joinAndLoad(r);
    await r.client.next('assignment');
    r.process.exit(code);
  };

/** Gets its assignment and reports that it failed. */
const reportsFailure: RankScript = async (r) => {
  await joinAndLoad(r);
  await r.client.next('assignment');
  r.client.send({ failed: { reason: 'CUDA out of memory', code: 'oom' } });
};

/** Joins and never finishes loading its model. */
const neverLoads: RankScript = async ({ client }) => {
  client.join();
  await client.next('welcome');
};

/** Gets its assignment and then says nothing more. */
const goesSilent: RankScript = async (r) => {
  await joinAndLoad(r);
  await r.client.next('assignment');
};

describe('Attempt', () => {
  let server: CoordinatorServer;
  let address: string;
  let spawner: FakeSpawner | undefined;
  let events: AttemptEvent[];
  let chunks: ChunkReport[];

  beforeEach(async () => {
    server = new CoordinatorServer(jobToken, () => ({ job_id: 'c0ffee01', state: 'init', attempt: 1, total_frames: 0, committed_frames: 0, ranks: [] }));
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0)}`;
    events = [];
    chunks = [];
  });

  afterEach(async () => {
    spawner?.close();
    spawner = undefined;
    await server.close();
  });

  function plan(worldSize: number, fields: Partial<AttemptPlan> = {}): AttemptPlan {
    const ranks = Array.from({ length: worldSize }, (_, rank) => rank);
    return {
      attempt: 1,
      worldSize,
      hosts: ranks.map((rank) => `host-${rank}`),
      welcome: () => ({ job_id: 'c0ffee01', model_path: '/models/candy.onnx', heartbeat_interval_ms: 50 }),
      assignments: ranks.map((rank) => ({ ranges: [{ start: rank * framesPerRank, count: framesPerRank }] })),
      barrierTimeoutMs: 10_000,
      heartbeatTimeoutMs: 10_000,
      stopGraceMs: 50,
      rankEnv: (rank) => ({ STYLERUN_RANK: String(rank), STYLERUN_WORLD_SIZE: String(worldSize), STYLERUN_ATTEMPT: '1', STYLERUN_COORDINATOR: address }),
      jobToken,
      onChunk: async (c) => {
        chunks.push(c);
      },
      onEvent: (e) => events.push(e),
      ...fields,
    };
  }

  function attempt(scripts: (RankScript | undefined)[], fields: Partial<AttemptPlan> = {}, stopDelayMs?: number): Attempt {
    spawner = new FakeSpawner(scripts, stopDelayMs);
    return new Attempt(plan(scripts.length, fields), server, spawner, quiet);
  }

  it('succeeds when every rank joins, gets ready, commits and reports done', async () => {
    const current = attempt([works, works, works]);
    const result = await current.run();

    expect(result.state).toBe('succeeded');
    expect(current.state).toBe('succeeded');
    expect(result.failures).toEqual([]);
    expect(result.rootCause).toBeUndefined();
    expect(result.barrierMs).toBeGreaterThanOrEqual(0);
    expect(result.times.map((t) => t.rank).sort()).toEqual([0, 1, 2]);
    expect(result.times[0]).toMatchObject({ frames: framesPerRank, executionProvider: 'cpu', decodeMs: 1, inferenceMs: 2, encodeMs: 3, wallMs: 7 });
    expect(chunks).toHaveLength(9);
    expect(chunks.filter((c) => c.rank === 2).map((c) => [c.start, c.count])).toEqual([[48, 8], [56, 8], [64, 8]]);
    await current.ranksGone; // each exits once told to finish
    expect(spawner!.clients.every((c) => c.received.some((m) => m.kind === 'finish'))).toBe(true);
  });

  it('settles a success once every rank is done, before the ranks have exited; ranksGone settles with their exits', async () => {
    let exit: () => void = () => {};
    // a rank whose process takes its time to end after its finish (a GPU rank tears down its device context)
    const slowToExit: RankScript = async (r) => {
      await joinAndLoad(r);
      const { assignment } = await r.client.next('assignment');
      const [range] = assignment!.ranges;
      r.client.commit(range.start, range.count);
      r.client.done(range.count);
      await r.client.next('finish');
      r.client.end();
      exit = () => r.process.exit(0);
    };
    const current = attempt([works, slowToExit], { stopGraceMs: 10_000 });
    let gone = false;
    void current.ranksGone.then(() => (gone = true));
    const result = await current.run();
    expect(result.state).toBe('succeeded');
    await new Promise((r) => setTimeout(r, 50));
    expect(gone).toBe(false); // the gather may start: the job waits for ranksGone before it ends
    exit();
    await current.ranksGone;
    expect(await spawner!.processes[1]!.exited).toEqual({ exitCode: 0, signal: null }); // on its own, within the grace
  });

  it('tells its owner of each ready rank, the first model note, the barrier and each rank done, and of no failure, when it succeeds', async () => {
    await attempt([works, works]).run();

    const ready = events.filter((e) => e.kind === 'rank-ready');
    expect(ready.map((e) => e.rank).sort()).toEqual([0, 1]);
    expect(ready[0]).toMatchObject({ attempt: 1, executionProvider: 'cpu', loadMs: 12.4 });
    expect(ready.find((e) => e.rank === 1)).toMatchObject({ host: 'host-1', pid: 4001 });
    expect(events.filter((e) => e.kind === 'model-note')).toEqual([{ kind: 'model-note', attempt: 1, note: 'candy (1 input)' }]);
    expect(events.filter((e) => e.kind === 'barrier-passed')).toEqual([{ kind: 'barrier-passed', attempt: 1, ranks: 2, ms: expect.any(Number) }]);
    const kinds = events.map((e) => e.kind);
    expect(kinds.lastIndexOf('rank-ready')).toBeLessThan(kinds.indexOf('barrier-passed'));
    // then each rank's figures, as it reports its share done
    expect(kinds.slice(kinds.indexOf('barrier-passed') + 1)).toEqual(['rank-done', 'rank-done']);
    expect(events.filter((e) => e.kind === 'rank-done').map((e) => e.times.rank).sort()).toEqual([0, 1]);
    expect(events.some((e) => e.kind === 'rank-failed')).toBe(false);
  });

  it("fails with the first failure as root cause when one rank's process exits non-zero", async () => {
    const result = await attempt([works, crashesWith(3), works]).run();

    expect(result.state).toBe('failed');
    expect(result.rootCause).toMatchObject({ rank: 1, host: 'host-1', reason: 'exited', exitCode: 3, message: 'process exited with code 3' });
    expect(events.find((e) => e.kind === 'rank-failed')).toEqual({ kind: 'rank-failed', attempt: 1, failure: result.rootCause });
  });

  it('names the rank that failed first, not a lower rank its stop killed within the same millisecond', async () => {
    // as when a host is down: its ssh exits 255 before the rank joins, and the other ranks' ssh clients, still
    // connecting, die at once when the attempt stops them. Date stands still, so every failure has the same time.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const unreachable: RankScript = async (r) => r.process.exit(255);
      const result = await attempt([neverLoads, neverLoads, unreachable], {}, 0).run();

      expect(result.failures.map((f) => [f.rank, f.atMs])).toEqual([[2, Date.now()], [0, Date.now()], [1, Date.now()]]);
      expect(result.rootCause).toMatchObject({ rank: 2, reason: 'exited', exitCode: 255 });
    } finally {
      vi.useRealTimers();
    }
  });

  it('stops every rank (stop() called on each) when one fails', async () => {
    const result = await attempt([works, reportsFailure, works]).run();

    expect(result.state).toBe('failed');
    expect(result.rootCause).toMatchObject({ rank: 1, reason: 'reported', message: 'CUDA out of memory' });
    expect(spawner!.processes.map((p) => p.stops)).toEqual([[50], [50], [50]]);
    for (const c of spawner!.clients) expect(c.received.find((m) => m.kind === 'abort')?.abort?.reason).toBe('rank 1 failed');
  });

  it('times out at the barrier naming ranks that never joined', async () => {
    const result = await attempt([works, neverLoads, undefined, undefined], { barrierTimeoutMs: 300 }).run();

    expect(result.state).toBe('failed');
    expect(result.rootCause).toMatchObject({
      rank: 2,
      reason: 'barrier-timeout',
      message: 'barrier timed out after 300 ms (never joined: rank 2, 3; joined but not ready: rank 1)',
    });
    expect(result.barrierMs).toBeUndefined();
    expect(spawner!.processes.every((p) => p.stops.length === 1)).toBe(true);
    expect(events.some((e) => e.kind === 'barrier-passed')).toBe(false);
  });

  it('fails a rank that goes silent for longer than the heartbeat timeout', async () => {
    const result = await attempt([works, goesSilent], { heartbeatTimeoutMs: 200 }).run();

    expect(result.state).toBe('failed');
    expect(result.rootCause).toMatchObject({ rank: 1, reason: 'heartbeat-timeout', message: expect.stringMatching(/^no heartbeat for \d+ ms \(hung or cut off\)$/) });
  });

  it('fails a rank that joins with another world size, and tells it why', async () => {
    const wrongWorld: RankScript = async ({ client }) => client.join(5);
    const result = await attempt([works, wrongWorld]).run();

    expect(result.rootCause).toMatchObject({ rank: 1, reason: 'reported', message: 'joined with world size 5, expected 2' });
    expect(spawner!.clients[1]!.received[0]?.abort?.reason).toBe('world size 5 does not match 2');
  });

  it('ends as interrupted, stopping every rank, when interrupted before the barrier', async () => {
    const current = attempt([neverLoads, undefined]);
    const result = current.run();
    current.interrupt('interrupted');

    expect(await result).toMatchObject({ state: 'failed', rootCause: { rank: -1, reason: 'interrupted', message: 'interrupted' } });
    expect(spawner!.processes.map((p) => p.stops.length)).toEqual([1, 1]);
  });
});
