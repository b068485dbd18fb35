import { describe, expect, it } from 'vitest';
import {
  type BarrierRank,
  type FailureReason,
  type RankFailure,
  type LivenessRank,
  barrierDecision,
  barrierTimeoutVerdict,
  describeFailure,
  restartDecision,
  rootCause,
  staleRanks,
  withProcessEnd,
} from '../../../launcher/coordinator/decisions.js';

const deadlineMs = 10_000;

function ranks(...states: ('absent' | 'joined' | 'ready')[]): BarrierRank[] {
  return states.flatMap((s, rank) => (s === 'absent' ? [] : [{ rank, joined: true, ready: s === 'ready' }]));
}

function failure(rank: number, atMs: number, reason: FailureReason = 'exited', extra: Partial<RankFailure> = {}): RankFailure {
  return { rank, host: `host-${rank}`, reason, atMs, message: 'boom', ...extra };
}

describe('barrierDecision', () => {
  it('waits while some ranks are not ready and the deadline is still ahead', () => {
    expect(barrierDecision(ranks('ready', 'joined', 'absent'), 3, deadlineMs - 1, deadlineMs)).toEqual({ kind: 'wait' });
  });

  it('releases as soon as every rank is ready', () => {
    expect(barrierDecision(ranks('ready', 'ready', 'ready'), 3, 0, deadlineMs)).toEqual({ kind: 'release' });
  });

  it('releases when every rank is ready even after the deadline has passed', () => {
    expect(barrierDecision(ranks('ready', 'ready'), 2, deadlineMs + 5_000, deadlineMs)).toEqual({ kind: 'release' });
  });

  it('times out at the deadline, naming ranks that never joined apart from ranks that joined but are not ready', () => {
    expect(barrierDecision(ranks('ready', 'absent', 'joined', 'ready', 'absent'), 5, deadlineMs, deadlineMs)).toEqual({
      kind: 'timeout',
      neverJoined: [1, 4],
      notReady: [2],
    });
  });

  it('counts a rank the snapshot lists as not joined among those that never joined', () => {
    const snapshot: BarrierRank[] = [
      { rank: 0, joined: false, ready: false },
      { rank: 1, joined: true, ready: false },
    ];
    expect(barrierDecision(snapshot, 2, deadlineMs + 1, deadlineMs)).toEqual({ kind: 'timeout', neverJoined: [0], notReady: [1] });
  });

  it('names every rank as never joined when nobody came', () => {
    expect(barrierDecision([], 3, deadlineMs, deadlineMs)).toEqual({ kind: 'timeout', neverJoined: [0, 1, 2], notReady: [] });
  });
});

describe('barrierTimeoutVerdict', () => {
  it('charges the first rank that never joined and names the stragglers of both kinds', () => {
    expect(barrierTimeoutVerdict({ kind: 'timeout', neverJoined: [1, 4], notReady: [2] }, 30_000)).toEqual({
      rank: 1,
      reason: 'barrier-timeout',
      message: 'barrier timed out after 30000 ms (never joined: rank 1, 4; joined but not ready: rank 2)',
    });
  });

  it('charges the first rank that is not ready when every rank joined', () => {
    expect(barrierTimeoutVerdict({ kind: 'timeout', neverJoined: [], notReady: [3, 5] }, 500)).toEqual({
      rank: 3,
      reason: 'barrier-timeout',
      message: 'barrier timed out after 500 ms (joined but not ready: rank 3, 5)',
    });
  });
});

describe('staleRanks', () => {
  const timeoutMs = 2_000;
  const nowMs = 100_000;
  const rank = (r: Partial<LivenessRank> & { rank: number }): LivenessRank => ({ joined: true, done: false, lastSeenMs: nowMs, ...r });

  it.each<[string, Partial<LivenessRank>, 'stale' | 'not stale']>([
    ['a joined rank silent for longer than the timeout', { lastSeenMs: nowMs - timeoutMs - 1 }, 'stale'],
    ['a joined rank silent for exactly the timeout', { lastSeenMs: nowMs - timeoutMs }, 'not stale'],
    ['a joined rank heard from just now', { lastSeenMs: nowMs }, 'not stale'],
    ['a rank that never joined, however long ago it started', { joined: false, lastSeenMs: 0 }, 'not stale'],
    ['a rank that is done, however long it has been silent', { done: true, lastSeenMs: 0 }, 'not stale'],
  ])('counts %s as %s', (_, fields, verdict) => {
    expect(staleRanks([rank({ rank: 0, ...fields })], nowMs, timeoutMs).length).toBe(verdict === 'stale' ? 1 : 0);
  });

  it('names every silent rank, in rank order, with how long each has been silent', () => {
    const ranks = [rank({ rank: 0 }), rank({ rank: 1, lastSeenMs: nowMs - 2_004 }), rank({ rank: 2, lastSeenMs: nowMs - 9_000 })];
    expect(staleRanks(ranks, nowMs, timeoutMs)).toEqual([
      { rank: 1, reason: 'heartbeat-timeout', message: 'no heartbeat for 2004 ms (hung or cut off)' },
      { rank: 2, reason: 'heartbeat-timeout', message: 'no heartbeat for 9000 ms (hung or cut off)' },
    ]);
  });

  it('names nobody when there are no ranks', () => {
    expect(staleRanks([], nowMs, timeoutMs)).toEqual([]);
  });
});

describe('rootCause', () => {
  it('names the earliest failure', () => {
    const first = failure(2, 100);
    expect(rootCause([failure(0, 300), first, failure(1, 200)])).toBe(first);
  });

  it('names the one recorded first when failures happen in the same millisecond (a cause comes before what it causes)', () => {
    const first = failure(3, 100);
    expect(rootCause([first, failure(1, 100), failure(2, 100)])).toBe(first);
  });

  it('is undefined when nothing failed', () => {
    expect(rootCause([])).toBeUndefined();
  });

  it('leaves the list it was given in its order', () => {
    const failures = [failure(1, 300), failure(0, 100)];
    rootCause(failures);
    expect(failures.map((f) => f.rank)).toEqual([1, 0]);
  });
});

describe('restartDecision', () => {
  it.each([
    { attempt: 1, maxRestarts: 1 },
    { attempt: 2, maxRestarts: 3 },
    { attempt: 3, maxRestarts: 3 },
  ])('reruns after attempt $attempt fails when maxRestarts is $maxRestarts', ({ attempt, maxRestarts }) => {
    expect(restartDecision(attempt, maxRestarts, failure(0, 1))).toEqual({ kind: 'rerun' });
  });

  it.each([
    { attempt: 1, maxRestarts: 0, why: '0 restarts used' },
    { attempt: 2, maxRestarts: 1, why: '1 restart used' },
    { attempt: 4, maxRestarts: 3, why: '3 restarts used' },
  ])('gives up after attempt $attempt fails when maxRestarts is $maxRestarts', ({ attempt, maxRestarts, why }) => {
    expect(restartDecision(attempt, maxRestarts, failure(0, 1))).toEqual({ kind: 'give-up', why });
  });

  it('never reruns an interrupted attempt, however many restarts remain', () => {
    expect(restartDecision(1, 10, failure(-1, 1, 'interrupted'))).toEqual({ kind: 'give-up', why: 'interrupted' });
  });

  it('never reruns after a barrier timeout, however many restarts remain', () => {
    expect(restartDecision(1, 10, failure(1, 1, 'barrier-timeout'))).toEqual({ kind: 'give-up', why: 'barrier timeout' });
  });

  it('never reruns when the disk under the work folder is full, however many restarts remain', () => {
    expect(restartDecision(1, 10, failure(0, 1, 'no-space'))).toEqual({ kind: 'give-up', why: 'no space left on device' });
  });

  it.each<FailureReason>(['exited', 'stream-closed', 'heartbeat-timeout', 'preempted', 'reported'])('reruns after a %s failure', (reason) => {
    expect(restartDecision(1, 2, failure(0, 1, reason))).toEqual({ kind: 'rerun' });
  });

  it('reruns while restarts remain when the cause is unknown', () => {
    expect(restartDecision(1, 1, undefined)).toEqual({ kind: 'rerun' });
  });
});

describe('withProcessEnd', () => {
  const stoppedByLauncher = { exitCode: 143, signal: null };

  it('turns a stream that closed into the exit that closed it', () => {
    const [f] = withProcessEnd([failure(1, 5, 'stream-closed', { message: 'stream closed before done' })], 1, { exitCode: null, signal: 'SIGKILL' });
    expect(f).toEqual(failure(1, 5, 'exited', { message: 'process was killed by SIGKILL', exitCode: null, signal: 'SIGKILL' }));
  });

  it.each<[string, FailureReason, string]>([
    ['a hang', 'heartbeat-timeout', 'no heartbeat for 2004 ms (hung or cut off)'],
    ['a rejected chunk', 'reported', 'chunk c-000008 rejected: sha256 mismatch'],
    ['a preemption', 'preempted', 'preempted (SIGTERM)'],
  ])("keeps the launcher's own SIGTERM out of %s, and out of its description", (_, reason, message) => {
    const [f] = withProcessEnd([failure(0, 5, reason, { host: 'vm', message })], 0, stoppedByLauncher);
    expect(f).toEqual(failure(0, 5, reason, { host: 'vm', message }));
    expect(describeFailure(f!)).toBe(`rank 0 on vm: ${message}`);
  });

  it("leaves other ranks' failures and an exit already recorded as they are", () => {
    const failures = [failure(0, 5, 'stream-closed'), failure(1, 6, 'exited', { message: 'process exited with code 3', exitCode: 3 })];
    expect(withProcessEnd(failures, 1, stoppedByLauncher)).toEqual(failures);
  });
});

describe('describeFailure', () => {
  it('names the rank, the host, the message and the signal', () => {
    expect(describeFailure(failure(1, 0, 'exited', { host: 'host-a', message: 'exited', signal: 'SIGKILL', exitCode: null }))).toBe(
      'rank 1 on host-a: exited (signal SIGKILL)',
    );
  });

  it('names the exit code when there is no signal, including exit code 0', () => {
    expect(describeFailure(failure(2, 0, 'exited', { host: 'node7', message: 'exited early', exitCode: 3 }))).toBe('rank 2 on node7: exited early (exit code 3)');
    expect(describeFailure(failure(2, 0, 'exited', { host: 'node7', message: 'exited early', exitCode: 0 }))).toBe('rank 2 on node7: exited early (exit code 0)');
  });

  it('gives the code a rank reported with its failure, so that it reaches the summary', () => {
    expect(describeFailure(failure(1, 0, 'reported', { host: 'h', message: 'no execution provider could load the model', code: 'NO_PROVIDER' }))).toBe(
      'rank 1 on h: no execution provider could load the model [NO_PROVIDER]',
    );
  });

  it('says only the message when there is neither a signal nor an exit code', () => {
    expect(describeFailure(failure(0, 0, 'heartbeat-timeout', { message: 'no heartbeat for 10000 ms' }))).toBe('rank 0 on host-0: no heartbeat for 10000 ms');
  });

  it('leaves the host out when it is not known', () => {
    expect(describeFailure(failure(3, 0, 'barrier-timeout', { host: '', message: 'barrier timed out' }))).toBe('rank 3: barrier timed out');
  });
});
