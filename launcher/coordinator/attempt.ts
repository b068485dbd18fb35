// Runs one attempt: start the ranks, hold them at the barrier, scatter, watch them, and end as one
// value: succeeded, or failed with every failure seen and the first one named as root cause.
import { combinedChecksum } from '../../common/checksums.js';
import { isNoSpace, noSpaceCode } from '../../common/errors/no-space-error.js';
import type { Logger } from '../../common/log.js';
import type { Assignment } from '../../proto/generated/stylerun/v1/Assignment.js';
import type { Welcome } from '../../proto/generated/stylerun/v1/Welcome.js';
import type { RankSpawner } from '../spawn/spawner.js';
import { barrierDecision, rootCause, withProcessEnd, type FailureReason, type RankFailure } from './decisions.js';
import { GroupStateMachine, type GroupState } from './group-state.js';
import type { RankStatus } from '../../proto/generated/stylerun/v1/RankStatus.js';
import { newRankRecord, rankStatus, type RankRecord } from './rank-record.js';
import type { CoordinatorServer, RankStream, ServerEvent } from './server.js';

/** A chunk a rank says it committed. */
export interface ChunkReport {
  rank: number;
  start: number;
  count: number;
  key: string;
  sha256: string;
}

/** Per-rank time split, as reported in Done. */
export interface RankTimes {
  rank: number;
  host: string;
  executionProvider: string;
  frames: number;
  decodeMs: number;
  inferenceMs: number;
  encodeMs: number;
  wallMs: number;
}

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
  welcome: Welcome;
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

  constructor(
    private readonly plan: AttemptPlan,
    private readonly server: CoordinatorServer,
    private readonly spawner: RankSpawner,
    private readonly log: Logger,
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

  /** Starts the ranks and resolves when the attempt has ended and all its ranks are gone. */
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
    r.lastSeenMs = Date.now();
    if (e.kind === 'join') return this.onJoin(r, e.stream, e.join.world_size);
    if (e.kind === 'closed') {
      if (!r.done) this.fail(r, 'stream-closed', `stream closed before done${e.error ? ` (${e.error.message})` : ''}`);
      return;
    }
    const msg = e.msg;
    switch (msg.kind) {
      case 'ready':
        if (this.group.state !== 'rendezvous') return; // too late: the attempt is already stopping
        r.ready = true;
        r.executionProvider = msg.ready!.execution_provider;
        this.log.info(`rank ${r.rank} ready`, { pid: r.process?.pid, ep: r.executionProvider, load_ms: Math.round(msg.ready!.load_ms) });
        if (!this.modelNote) {
          this.modelNote = msg.ready!.model_note;
          this.log.info(`model: ${this.modelNote}`);
        }
        this.checkBarrier(Number.POSITIVE_INFINITY);
        return;
      case 'heartbeat':
        r.framesDone = Number(msg.heartbeat!.frames_done);
        return;
      case 'progress':
        r.framesDone = Number(msg.progress!.frames_done);
        this.plan.onProgress?.(this.framesDone());
        return;
      case 'chunk_committed': {
        const c = msg.chunk_committed!;
        const p = this.plan
          .onChunk({ rank: r.rank, start: Number(c.start), count: Number(c.count), key: c.name, sha256: c.sha256 })
          .catch((err: Error) => this.fail(r, isNoSpace(err) ? 'no-space' : 'reported', `chunk ${c.name} rejected: ${err.message}`));
        r.pendingChunks.push(p);
        r.chunkSha256s.push(c.sha256);
        return;
      }
      case 'done': {
        const d = msg.done!;
        this.times.push({
          rank: r.rank, host: r.host, executionProvider: r.executionProvider, frames: Number(d.frames),
          decodeMs: d.decode_ms, inferenceMs: d.inference_ms, encodeMs: d.encode_ms, wallMs: d.wall_ms,
        });
        if (d.checksum !== combinedChecksum(r.chunkSha256s) || Number(d.frames) !== r.assignedFrames) {
          return this.fail(r, 'reported', `done with ${d.frames} frames and a checksum that do not match its ${r.chunkSha256s.length} committed chunks`);
        }
        void Promise.all(r.pendingChunks).then(() => {
          r.done = true;
          this.checkDone();
        });
        return;
      }
      case 'failed':
        return this.fail(r, msg.failed!.code === noSpaceCode ? 'no-space' : 'reported', msg.failed!.reason);
      case 'preempted':
        return this.fail(r, 'preempted', `preempted (${msg.preempted!.signal})`);
    }
  }

  // The rank's host stays the one it was placed on: the name a rank gives itself may differ (a FQDN, a
  // container's name), and a host named two ways depending on the moment reads as two hosts.
  private onJoin(r: RankRecord, stream: RankStream, worldSize: number): void {
    if (worldSize !== this.plan.worldSize) {
      stream.send({ abort: { reason: `world size ${worldSize} does not match ${this.plan.worldSize}` } });
      return this.fail(r, 'reported', `joined with world size ${worldSize}, expected ${this.plan.worldSize}`);
    }
    r.joined = true;
    r.stream = stream;
    stream.send({ welcome: this.plan.welcome });
  }

  private checkBarrier(deadlineMs: number): void {
    if (this.group.state !== 'rendezvous') return;
    const d = barrierDecision(this.ranks, this.plan.worldSize, Date.now(), deadlineMs);
    if (d.kind === 'wait') return;
    if (d.kind === 'timeout') {
      const parts = [];
      if (d.neverJoined.length) parts.push(`never joined: rank ${d.neverJoined.join(', ')}`);
      if (d.notReady.length) parts.push(`joined but not ready: rank ${d.notReady.join(', ')}`);
      this.recordFailure({
        rank: d.neverJoined[0] ?? d.notReady[0] ?? 0, host: '', reason: 'barrier-timeout', atMs: Date.now(),
        message: `barrier timed out after ${this.plan.barrierTimeoutMs} ms (${parts.join('; ')})`,
      });
      void this.stopAll('barrier timeout');
      return;
    }
    this.barrierMs = Date.now() - this.started;
    this.group.transition('running', 'all ranks ready');
    this.log.info(`barrier passed: ${this.plan.worldSize} ranks ready`, { ms: this.barrierMs });
    for (const r of this.ranks) {
      r.lastSeenMs = Date.now();
      r.stream!.send({ assignment: this.plan.assignments[r.rank] });
    }
  }

  private checkHeartbeats(): void {
    const now = Date.now();
    if (this.group.state !== 'running' && this.group.state !== 'rendezvous') return;
    for (const r of this.ranks) {
      if (r.joined && !r.done && now - r.lastSeenMs > this.plan.heartbeatTimeoutMs) {
        this.fail(r, 'heartbeat-timeout', `no heartbeat for ${now - r.lastSeenMs} ms (hung or cut off)`);
      }
    }
  }

  private checkDone(): void {
    if (this.group.state !== 'running' || !this.ranks.every((r) => r.done)) return;
    this.group.transition('succeeded', 'every rank done');
    for (const r of this.ranks) r.stream?.send({ finish: {} });
    void this.waitForExits().then(() => this.end('succeeded'));
  }

  private fail(r: RankRecord, reason: FailureReason, message: string, exitCode?: number | null, signal?: string | null): void {
    if (this.group.state === 'succeeded') return;
    this.recordFailure({ rank: r.rank, host: r.host, reason, atMs: Date.now(), message, exitCode, signal });
    void this.stopAll(`rank ${r.rank} failed`);
  }

  private recordFailure(f: RankFailure): void {
    if (this.failures.some((x) => x.rank === f.rank && x.reason === f.reason)) return;
    this.failures.push(f);
  }

  private async stopAll(why: string): Promise<void> {
    const s = this.group.state;
    if (s === 'stopping' || s === 'failed' || s === 'succeeded') return;
    this.group.transition('stopping', why);
    for (const r of this.ranks) r.stream?.send({ abort: { reason: why } });
    await Promise.all(this.ranks.map((r) => r.process?.stop(this.plan.stopGraceMs)));
    this.group.transition('failed', why);
    this.end('failed');
  }

  private async waitForExits(): Promise<void> {
    const grace = new Promise((r) => setTimeout(r, this.plan.stopGraceMs));
    await Promise.race([Promise.all(this.ranks.map((r) => r.process?.exited)), grace]);
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
