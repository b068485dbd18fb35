// What one event from a rank's stream means, as a pure function: the changes to the rank's record and one
// outcome for the attempt to act on. The attempt sends, starts timers and stops processes; this decides.
import { noSpaceCode } from '../../common/errors/no-space-error.js';
import { combinedChecksum } from '../../common/checksums.js';
import type { ChunkRecord } from '../../common/storage/storage.js';
import type { FailureVerdict } from './decisions.js';
import type { GroupState } from './group-state.js';
import { isStandInHost, type RankRecord } from './rank-record.js';
import type { ServerEvent } from './server.js';

/** A chunk a rank says it committed. */
export interface ChunkReport extends ChunkRecord {
  rank: number;
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

/** What the attempt knows when a rank's event arrives. */
export interface MessageContext {
  nowMs: number;
  groupState: GroupState;
  worldSize: number;
  /** The model note a rank already gave in this attempt ('' while none has). */
  modelNote: string;
}

/** What the attempt must do about one rank event. */
export type MessageOutcome =
  /** nothing beyond the record's changes */
  | { kind: 'none' }
  /** the rank joined this attempt: welcome it */
  | { kind: 'joined' }
  /** the rank loaded its model in time; `modelNote` is set when it is the first note of the attempt */
  | { kind: 'ready'; loadMs: number; device: string; modelNote?: string }
  /** frames done changed in a way worth reporting */
  | { kind: 'progress' }
  /** a committed chunk to verify */
  | { kind: 'chunk'; report: ChunkReport }
  /** the rank finished and its checksum matches its committed chunks: done once those verify */
  | { kind: 'done'; times: RankTimes }
  /**
   * The rank failed. `abort` is a reason to send on the event's own stream first (the record does not hold
   * it yet); `times` are a Done's times, kept even when the Done does not add up.
   */
  | ({ kind: 'fail'; abort?: string; times?: RankTimes } & FailureVerdict);

/** A rank event's changes to the record and its outcome. */
export interface MessageDecision {
  update: Partial<RankRecord>;
  outcome: MessageOutcome;
}

/** Decides what `e` means for rank `r` (whose stream `e` came on); changes nothing itself. */
export function recordMessage(r: Readonly<RankRecord>, e: ServerEvent, ctx: MessageContext): MessageDecision {
  const seen = { lastSeenMs: ctx.nowMs };
  const none = (update: Partial<RankRecord> = {}): MessageDecision => ({ update: { ...seen, ...update }, outcome: { kind: 'none' } });
  const fail = (verdict: FailureVerdict, extra: { abort?: string; times?: RankTimes } = {}): MessageDecision => ({
    update: seen,
    outcome: { kind: 'fail', ...verdict, ...extra },
  });

  if (e.kind === 'join') {
    const worldSize = e.join.world_size;
    if (worldSize !== ctx.worldSize) {
      return fail(
        { reason: 'reported', message: `joined with world size ${worldSize}, expected ${ctx.worldSize}` },
        { abort: `world size ${worldSize} does not match ${ctx.worldSize}` },
      );
    }
    // The rank's host stays the one it was placed on: the name a rank gives itself may differ (a FQDN, a
    // container's name), and a host named two ways depending on the moment reads as two hosts.
    const host = isStandInHost(r.host) ? { host: e.join.host } : {};
    return { update: { ...seen, ...host, joined: true, stream: e.stream }, outcome: { kind: 'joined' } };
  }
  if (e.kind === 'closed') {
    if (r.done) return none();
    return fail({ reason: 'stream-closed', message: `stream closed before done${e.error ? ` (${e.error.message})` : ''}` });
  }
  const msg = e.msg;
  switch (msg.kind) {
    case 'ready': {
      if (ctx.groupState !== 'rendezvous') return none(); // too late: the attempt is already stopping
      const ready = msg.ready!;
      return {
        // the provider as reported everywhere (summary, log, Status), e.g. "cuda fp16" when the graph was converted
        update: { ...seen, ready: true, executionProvider: ready.precision === 'fp16' ? `${ready.execution_provider} fp16` : ready.execution_provider },
        outcome: { kind: 'ready', loadMs: ready.load_ms, device: ready.device || ready.execution_provider, ...(ctx.modelNote ? {} : { modelNote: ready.model_note }) },
      };
    }
    case 'heartbeat':
      return none({ framesDone: Number(msg.heartbeat!.frames_done) });
    case 'progress':
      return { update: { ...seen, framesDone: Number(msg.progress!.frames_done) }, outcome: { kind: 'progress' } };
    case 'chunk_committed': {
      const c = msg.chunk_committed!;
      return {
        update: { ...seen, chunkSha256s: [...r.chunkSha256s, c.sha256] },
        outcome: { kind: 'chunk', report: { rank: r.rank, start: Number(c.start), count: Number(c.count), key: c.name, sha256: c.sha256 } },
      };
    }
    case 'done': {
      const d = msg.done!;
      const times: RankTimes = {
        rank: r.rank, host: r.host, executionProvider: r.executionProvider, frames: Number(d.frames),
        decodeMs: d.decode_ms, inferenceMs: d.inference_ms, encodeMs: d.encode_ms, wallMs: d.wall_ms,
      };
      if (d.checksum !== combinedChecksum(r.chunkSha256s) || Number(d.frames) !== r.assignedFrames) {
        const message = `done with ${d.frames} frames and a checksum that do not match its ${r.chunkSha256s.length} committed chunks`;
        return fail({ reason: 'reported', message }, { times });
      }
      return { update: seen, outcome: { kind: 'done', times } };
    }
    case 'failed':
      return fail({ reason: msg.failed!.code === noSpaceCode ? 'no-space' : 'reported', message: msg.failed!.reason, code: stableCode(msg.failed!.code) });
    case 'preempted':
      return fail({ reason: 'preempted', message: `preempted (${msg.preempted!.signal})` });
    default:
      return none();
  }
}

/** A rank's Failed.code where it is a stable code ("NO_SPACE"), not a class name ("Error"). */
function stableCode(code: string): string | undefined {
  return /^[A-Z][A-Z0-9_]+$/.test(code) ? code : undefined;
}
