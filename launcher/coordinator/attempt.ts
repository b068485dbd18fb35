// Runs one attempt: start the ranks, hold them at the barrier, scatter, watch them, and end as one
// value: succeeded, or failed with every failure seen and the first one named as root cause.
import { isNoSpace } from '../../common/errors/no-space-error.js';
import type { Logger } from '../../common/log.js';
import type { Assignment } from '../../proto/generated/stylerun/v1/Assignment.js';
import type { Welcome } from '../../proto/generated/stylerun/v1/Welcome.js';
import type { RankSpawner } from '../spawn/spawner.js';
import { barrierDecision, barrierTimeoutVerdict, rootCause, staleRanks, withProcessEnd, type FailureReason, type RankFailure } from './decisions.js';
import { GroupStateMachine, type GroupState } from './group-state.js';
import type { RankStatus } from '../../proto/generated/stylerun/v1/RankStatus.js';
import { newRankRecord, rankStatus, type RankRecord } from './rank-record.js';
import type { AttemptEvent } from './attempt-events.js';
import { recordMessage, type ChunkReport, type RankTimes } from './rank-messages.js';
import type { CoordinatorServer, ServerEvent } from './server.js';

export type { AttemptEvent } from './attempt-events.js';
export type { ChunkReport, RankTimes } from './rank-messages.js';

/** How an attempt ended. */
export interface AttemptResult {
  state: 'succeeded' | 'failed';
  failures: RankFailure[];
  rootCause?: RankFailure;
  barrierMs?: number;
  times: RankTimes[];
  /** Frames each rank had styled when the attempt ended (committed or not). */
  framesDoneByRank: number[];
}

/** Everything one attempt needs. */
export interface AttemptPlan {
  attempt: number;
  worldSize: number;
  hosts: string[];
  /** What rank r is told before it loads the model (ranks without the launcher's disk get the model's URL). */
  welcome: (rank: number) => Welcome;
  assignments: Assignment[];
  barrierTimeoutMs: number;
  heartbeatTimeoutMs: number;
  stopGraceMs: number;
  rankEnv: (rank: number) => Record<string, string>;
  /** Never part of rankEnv: the spawner hands it over out of band. */
  jobToken: string;
  /** Called for each committed chunk; a rejection (bad checksum) fails the rank. */
  onChunk: (c: ChunkReport) => Promise<void>;
  onProgress?: (framesDoneByRank: number[]) => void;
  /** Told of what happens as it happens (ready ranks, the barrier, failures); the attempt logs none of it at info. */
  onEvent?: (e: AttemptEvent) => void;
}

/** One attempt of the job's styling step. */
export class Attempt {
  private readonly group: GroupStateMachine;
  private readonly ranks: RankRecord[];
  private failures: RankFailure[] = [];
  private readonly times: RankTimes[] = [];
  private readonly started = Date.now();
  private barrierMs: number | undefined;
  private modelNote = '';
  private timers: NodeJS.Timeout[] = [];
  private settle: (r: AttemptResult) => void = () => {};
  private gone: () => void = () => {};
  /**
   * Settles once every rank of the attempt has exited (or been stopped after the grace). A failed attempt
   * settles its result after that; a succeeded one as soon as every rank is done, so that the gather can run
   * while the ranks exit (a GPU rank's exit tears down its device context), and the job waits for this.
   */
  readonly ranksGone = new Promise<void>((resolve) => (this.gone = resolve));

  constructor(
    private readonly plan: AttemptPlan,
    private readonly server: CoordinatorServer,
    private readonly spawner: RankSpawner,
    log: Logger,
  ) {
    this.group = new GroupStateMachine(log);
    this.ranks = plan.hosts.map((host, rank) => newRankRecord(rank, host, plan.assignments[rank]));
  }

  get state(): GroupState {
    return this.group.state;
  }

  /** Each rank as the Status RPC reports it. */
  rankStatuses(): RankStatus[] {
    return this.ranks.map((r) => rankStatus(r, this.group.state === 'running'));
  }

  /** Frames done per rank (for status and progress). */
  framesDone(): number[] {
    return this.ranks.map((r) => r.framesDone);
  }

  /** Starts the ranks and resolves when the attempt has ended: failed with its ranks gone, or succeeded (see ranksGone). */
  run(): Promise<AttemptResult> {
    const result = new Promise<AttemptResult>((resolve) => (this.settle = resolve));
    this.server.onEvent((e) => this.onServerEvent(e));
    for (const r of this.ranks) {
      const proc = this.spawner.start(r.rank, r.host, this.plan.rankEnv(r.rank), this.plan.jobToken);
      r.process = proc;
      void proc.exited.then((exit) => {
        if (!r.done || exit.exitCode !== 0) {
          const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.exitCode}`;
          this.fail(r, 'exited', `process ${how}`, exit.exitCode, exit.signal);
        }
        this.failures = withProcessEnd(this.failures, r.rank, exit);
      });
    }
    this.group.transition('rendezvous', `${this.ranks.length} ranks started`);
    const deadline = Date.now() + this.plan.barrierTimeoutMs;
    this.timers.push(setTimeout(() => this.checkBarrier(deadline), this.plan.barrierTimeoutMs + 5));
    this.timers.push(setInterval(() => this.checkHeartbeats(), Math.min(500, this.plan.heartbeatTimeoutMs / 4)));
    return result;
  }

  /** Stops the attempt from outside (Ctrl-C). */
  interrupt(why: string): void {
    this.recordFailure({ rank: -1, host: '', reason: 'interrupted', atMs: Date.now(), message: why });
    void this.stopAll(why);
  }

  private onServerEvent(e: ServerEvent): void {
    const r = this.ranks[e.stream.rank];
    if (e.stream.attempt !== this.plan.attempt || !r) {
      // a straggler from an earlier attempt, or a rank number outside this world
      e.stream.send({ abort: { reason: `not part of attempt ${this.plan.attempt}` } });
      e.stream.end();
      return;
    }
    const ctx = { nowMs: Date.now(), groupState: this.group.state, worldSize: this.plan.worldSize, modelNote: this.modelNote };
    const { update, outcome: o } = recordMessage(r, e, ctx);
    Object.assign(r, update);
    switch (o.kind) {
      case 'none':
        return;
      case 'joined':
        e.stream.send({ welcome: this.plan.welcome(r.rank) });
        return;
      case 'ready':
        this.plan.onEvent?.({
          kind: 'rank-ready', attempt: this.plan.attempt, rank: r.rank, host: r.host, pid: r.process?.remote ? undefined : r.process?.pid,
          executionProvider: r.executionProvider, device: o.device, loadMs: o.loadMs,
        });
        if (o.modelNote !== undefined) {
          this.modelNote = o.modelNote;
          this.plan.onEvent?.({ kind: 'model-note', attempt: this.plan.attempt, note: o.modelNote });
        }
        this.checkBarrier(Number.POSITIVE_INFINITY);
        return;
      case 'progress':
        this.plan.onProgress?.(this.framesDone());
        return;
      case 'chunk': {
        const c = o.report;
        r.pendingChunks.push(this.plan.onChunk(c).catch((err: Error) => this.fail(r, isNoSpace(err) ? 'no-space' : 'reported', `chunk ${c.key} rejected: ${err.message}`)));
        return;
      }
      case 'done':
        this.times.push(o.times);
        this.plan.onEvent?.({ kind: 'rank-done', attempt: this.plan.attempt, times: o.times });
        void Promise.all(r.pendingChunks).then(() => {
          r.done = true;
          this.checkDone();
        });
        return;
      case 'fail':
        if (o.times) this.times.push(o.times);
        if (o.abort) e.stream.send({ abort: { reason: o.abort } });
        return this.fail(r, o.reason, o.message, undefined, undefined, o.code);
    }
  }

  private checkBarrier(deadlineMs: number): void {
    if (this.group.state !== 'rendezvous') return;
    const d = barrierDecision(this.ranks, this.plan.worldSize, Date.now(), deadlineMs);
    if (d.kind === 'wait') return;
    if (d.kind === 'timeout') {
      this.recordFailure({ host: '', atMs: Date.now(), ...barrierTimeoutVerdict(d, this.plan.barrierTimeoutMs) });
      void this.stopAll('barrier timeout');
      return;
    }
    this.barrierMs = Date.now() - this.started;
    this.group.transition('running', 'all ranks ready');
    this.plan.onEvent?.({ kind: 'barrier-passed', attempt: this.plan.attempt, ranks: this.plan.worldSize, ms: this.barrierMs });
    for (const r of this.ranks) {
      r.lastSeenMs = Date.now();
      r.stream!.send({ assignment: this.plan.assignments[r.rank] });
    }
  }

  private checkHeartbeats(): void {
    if (this.group.state !== 'running' && this.group.state !== 'rendezvous') return;
    for (const stale of staleRanks(this.ranks, Date.now(), this.plan.heartbeatTimeoutMs)) {
      this.fail(this.ranks[stale.rank], stale.reason, stale.message);
    }
  }

  private checkDone(): void {
    if (this.group.state !== 'running' || !this.ranks.every((r) => r.done)) return;
    this.group.transition('succeeded', 'every rank done');
    for (const r of this.ranks) r.stream?.send({ finish: {} });
    void this.waitForExits().then(() => this.gone(), () => this.gone());
    this.end('succeeded');
  }

  private fail(r: RankRecord, reason: FailureReason, message: string, exitCode?: number | null, signal?: string | null, code?: string): void {
    if (this.group.state === 'succeeded') return;
    this.recordFailure({ rank: r.rank, host: r.host, reason, atMs: Date.now(), message, exitCode, signal, code });
    void this.stopAll(`rank ${r.rank} failed`);
  }

  private recordFailure(f: RankFailure): void {
    if (this.failures.some((x) => x.rank === f.rank && x.reason === f.reason)) return;
    this.failures.push(f);
    this.plan.onEvent?.({ kind: 'rank-failed', attempt: this.plan.attempt, failure: f });
  }

  private async stopAll(why: string): Promise<void> {
    const s = this.group.state;
    if (s === 'stopping' || s === 'failed' || s === 'succeeded') return;
    this.group.transition('stopping', why);
    for (const r of this.ranks) r.stream?.send({ abort: { reason: why } });
    await Promise.all(this.ranks.map((r) => r.process?.stop(this.plan.stopGraceMs)));
    this.group.transition('failed', why);
    this.gone();
    this.end('failed');
  }

  private async waitForExits(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((r) => (timer = setTimeout(r, this.plan.stopGraceMs)));
    await Promise.race([Promise.all(this.ranks.filter((r) => !r.process?.remote).map((r) => r.process?.exited)), grace]);
    // cleared: a grace timer left running held the launcher's event loop after every job (its exit then came
    // from the CLI's 100 ms fallback) and an engine rank 0's, or a test's, for the whole grace
    clearTimeout(timer);
    await Promise.all(this.ranks.map((r) => r.process?.stop(this.plan.stopGraceMs)));
  }

  private end(state: 'succeeded' | 'failed'): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers = [];
    this.server.onEvent(() => {});
    const failures = [...this.failures];
    this.settle({ state, failures, rootCause: rootCause(failures), barrierMs: this.barrierMs, times: this.times, framesDoneByRank: this.framesDone() });
  }
}
