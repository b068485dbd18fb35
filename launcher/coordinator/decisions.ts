// The coordinator's choices, as pure functions of a snapshot: is the barrier complete, who failed
// first, rerun or give up.

/** What the coordinator knows about one rank at the barrier. */
export interface BarrierRank {
  rank: number;
  joined: boolean;
  ready: boolean;
}

/** What to do at the barrier now. */
export type BarrierDecision =
  | { kind: 'wait' }
  | { kind: 'release' }
  | { kind: 'timeout'; neverJoined: number[]; notReady: number[] };

/** Release when all worldSize ranks are ready; time out (naming the stragglers) once the deadline passes. */
export function barrierDecision(ranks: readonly BarrierRank[], worldSize: number, nowMs: number, deadlineMs: number): BarrierDecision {
  const ready = ranks.filter((r) => r.ready).length;
  if (ready === worldSize) return { kind: 'release' };
  if (nowMs < deadlineMs) return { kind: 'wait' };
  const known = new Map(ranks.map((r) => [r.rank, r]));
  const neverJoined: number[] = [];
  const notReady: number[] = [];
  for (let r = 0; r < worldSize; r++) {
    const info = known.get(r);
    if (!info?.joined) neverJoined.push(r);
    else if (!info.ready) notReady.push(r);
  }
  return { kind: 'timeout', neverJoined, notReady };
}

/** Why a rank failed. */
export type FailureReason =
  | 'exited' | 'stream-closed' | 'heartbeat-timeout' | 'preempted' | 'reported' | 'barrier-timeout' | 'interrupted'
  /** the disk under the work folder is full (a rank said NO_SPACE, or a chunk was cut short by it) */
  | 'no-space';

/** One rank failure as the coordinator saw it. */
export interface RankFailure {
  rank: number;
  host: string;
  reason: FailureReason;
  atMs: number;
  exitCode?: number | null;
  signal?: string | null;
  message: string;
  /** The stable code a rank reported with its failure (Failed.code), e.g. "NO_SPACE". */
  code?: string;
}

/** Why a rank failed, in words: a failure before the attempt stamps it with the rank's host and the time. */
export interface FailureVerdict {
  reason: FailureReason;
  message: string;
  /** The rank's own code for it, where it reported one. */
  code?: string;
}

/** What the coordinator knows about one rank's liveness. */
export interface LivenessRank {
  rank: number;
  joined: boolean;
  done: boolean;
  lastSeenMs: number;
}

/** Ranks that joined, are not done, and have been silent for longer than the heartbeat timeout: hung or cut off. */
export function staleRanks(ranks: readonly LivenessRank[], nowMs: number, heartbeatTimeoutMs: number): ({ rank: number } & FailureVerdict)[] {
  return ranks
    .filter((r) => r.joined && !r.done && nowMs - r.lastSeenMs > heartbeatTimeoutMs)
    .map((r) => ({ rank: r.rank, reason: 'heartbeat-timeout', message: `no heartbeat for ${nowMs - r.lastSeenMs} ms (hung or cut off)` }));
}

/** The failure a barrier timeout records: charged to the first straggler, naming every one. */
export function barrierTimeoutVerdict(d: Extract<BarrierDecision, { kind: 'timeout' }>, barrierTimeoutMs: number): { rank: number } & FailureVerdict {
  const parts = [];
  if (d.neverJoined.length) parts.push(`never joined: rank ${d.neverJoined.join(', ')}`);
  if (d.notReady.length) parts.push(`joined but not ready: rank ${d.notReady.join(', ')}`);
  return {
    rank: d.neverJoined[0] ?? d.notReady[0] ?? 0,
    reason: 'barrier-timeout',
    message: `barrier timed out after ${barrierTimeoutMs} ms (${parts.join('; ')})`,
  };
}

/**
 * The root cause is the first failure in time, as torchrun names it. `failures` are in the order they were
 * recorded; failures within the same millisecond keep that order, since a failure that stops the attempt is
 * recorded before the ranks its stop kills (an ssh client still connecting dies within the millisecond).
 */
export function rootCause(failures: readonly RankFailure[]): RankFailure | undefined {
  return [...failures].sort((a, b) => a.atMs - b.atMs)[0];
}

/** After a failed attempt: run another, or stop. */
export type RestartDecision = { kind: 'rerun' } | { kind: 'give-up'; why: string };

/** Reruns while restarts remain; never reruns an interruption, a barrier timeout or a full disk (they would recur). */
export function restartDecision(attempt: number, maxRestarts: number, cause: RankFailure | undefined): RestartDecision {
  if (cause?.reason === 'interrupted') return { kind: 'give-up', why: 'interrupted' };
  if (cause?.reason === 'barrier-timeout') return { kind: 'give-up', why: 'barrier timeout' };
  if (cause?.reason === 'no-space') return { kind: 'give-up', why: 'no space left on device' };
  if (attempt > maxRestarts) return { kind: 'give-up', why: `${maxRestarts} restart${maxRestarts === 1 ? '' : 's'} used` };
  return { kind: 'rerun' };
}

/** How a rank's process ended. */
export interface ProcessEnd {
  exitCode: number | null;
  signal: string | null;
}

/**
 * The failures once `rank`'s process has ended. A closed stream is explained by the end and becomes it. A failure
 * the coordinator saw while the process lived (a hang, a report, a rejected chunk, a preemption) keeps no exit
 * status: the launcher stopped the process itself after it, and the code of its own SIGTERM (143) is not the cause.
 */
export function withProcessEnd(failures: readonly RankFailure[], rank: number, end: ProcessEnd): RankFailure[] {
  return failures.map((f) => {
    if (f.rank !== rank || f.reason !== 'stream-closed' || f.exitCode !== undefined) return f;
    const message = end.signal ? `process was killed by ${end.signal}` : `process exited with code ${end.exitCode}`;
    return { ...f, reason: 'exited', message, exitCode: end.exitCode, signal: end.signal };
  });
}

/** One line describing a failure, e.g. "rank 1 on host-a: process was killed by SIGKILL". */
export function describeFailure(f: RankFailure): string {
  const where = `rank ${f.rank}${f.host ? ` on ${f.host}` : ''}`;
  const how = f.signal ? `signal ${f.signal}` : f.exitCode !== undefined && f.exitCode !== null ? `exit code ${f.exitCode}` : '';
  const said = f.signal ? f.message.includes(f.signal) : f.message.includes(`code ${f.exitCode}`);
  return `${where}: ${f.message}${how && !said ? ` (${how})` : ''}${f.code ? ` [${f.code}]` : ''}`;
}
