// The styling step with its rerun policy: attempts run one after another until one succeeds, the
// restarts run out, the barrier times out, or the user interrupts.
import { hostname } from 'node:os';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import type { Logger } from '../../common/log.js';
import type { JobEvents } from '../job/events.js';
import type { ChunkStore } from '../../common/storage/storage.js';
import { isNoSpace, NoSpaceError } from '../../common/errors/no-space-error.js';
import { fullForFrame } from '../../common/free-space.js';
import { Attempt, type AttemptResult, type ChunkReport } from './attempt.js';
import { describeFailure, restartDecision } from './decisions.js';
import type { CoordinatorServer } from './server.js';
import { BarrierTimeoutError } from './barrier-timeout-error.js';
import { GaveUpError } from './gave-up-error.js';
import { abortSignalName, InterruptedError } from '../job/interrupted-error.js';
import type { Journal } from '../job-store/journal.js';
import { logFormat, logFormatVariable } from '../../common/log.js';
import type { JobOptions } from '../cli/options.js';
import { activeSlots, pendingFrames, redoneFrames, type AttemptRecord } from './rerun-policy.js';
import { gridUnits, scatterUnits, type FrameSpan } from './scatter.js';
import { seekPoints } from './seek.js';
import type { RankSpawner } from '../spawn/spawner.js';
import type { ChunkEncoding } from '../../proto/generated/stylerun/v1/ChunkEncoding.js';
import { rankFrameFormat } from '../job/output-encoding.js';
import { finishCommand } from '../job-store/resume-command.js';

/** One attempt as the summary reports it. */
export interface AttemptSummary {
  attempt: number;
  ranks: number;
  framesScattered: number;
  /** Frames an earlier attempt had already styled (work lost with a rank, or discarded by --rerun whole). */
  framesRedone: number;
  state: AttemptResult['state'];
  rootCause?: string;
}

/** What the attempts need from the job. */
export interface AttemptsContext {
  opts: JobOptions;
  info: VideoInfo;
  /** How every rank encodes its chunks, and how many frames each chunk holds. */
  encoding: ChunkEncoding;
  chunkFrames: number;
  /** Variables every rank gets besides its identity (e.g. the library path CUDA needs). */
  rankEnv: Record<string, string>;
  /** The coordinator's address as a rank on `host` reaches it. */
  coordinatorFor: (host: string) => string;
  /** How a rank on `host` reads the input when that host does not share the launcher's disk, else undefined. */
  inputFor?: (host: string) => RemoteInput | undefined;
  /** The same for the model file. */
  modelUrlFor?: (host: string) => string | undefined;
  hosts: string[];
  journal: Journal;
  store: ChunkStore;
  server: CoordinatorServer;
  spawner: RankSpawner;
  log: Logger;
  /** Where attempts, progress, chunks and failures are told. */
  events: JobEvents;
  signal?: AbortSignal;
  jobId: string;
  jobToken: string;
  port: number;
  /** Told of each attempt as it starts (for the Status RPC). */
  onAttempt?: (attempt: number, current: Attempt) => void;
}

/** Runs attempts until one succeeds; throws GaveUpError, BarrierTimeoutError or InterruptedError otherwise. */
export async function runAttempts(ctx: AttemptsContext): Promise<{ result: AttemptResult; attempts: AttemptSummary[] }> {
  const { opts, info, journal, store, events, signal } = ctx;
  const total = info.pts.length;
  const attempts: AttemptSummary[] = [];
  const history: AttemptRecord[] = [];
  const processed: FrameSpan[] = []; // frames some earlier attempt styled, committed or not
  for (let attempt = 1; ; attempt++) {
    if (opts.rerun === 'whole' && attempt > 1) {
      journal.clear();
      for (const key of await store.list()) await store.remove(key);
    }
    const slots = activeSlots(ctx.hosts.length, history, opts.minRanks, { hosts: ctx.hosts, localHost: hostname() });
    const pending = pendingFrames(total, journal.load(), opts.rerun);
    const pendingCount = pending.reduce((s, p) => s + p.count, 0);
    if (pendingCount === 0) {
      // a resumed job whose every frame was committed (its launcher died while gathering)
      events.emit({ kind: 'nothing-to-style' });
      return { result: { state: 'succeeded', failures: [], times: [], framesDoneByRank: [] }, attempts };
    }
    const checks: Promise<void>[] = [];
    // whole chunks of the grid go to ranks: a rank without one has nothing to do
    const world = Math.min(slots.length, gridUnits(pending, ctx.chunkFrames).length);
    const shares = scatterUnits(pending, world, ctx.chunkFrames);
    const redone = redoneFrames(pending, processed);
    ctx.log.setContext({ attempt });
    events.emit({
      kind: 'attempt-started', attempt, maxAttempts: opts.maxRestarts + 1, ranks: world, framesToStyle: pendingCount, totalFrames: total, framesRedone: redone,
      shares: shares.map((spans) => ({ first: spans[0]?.start ?? 0, last: (spans.at(-1)?.start ?? 0) + (spans.at(-1)?.count ?? 0) - 1, frames: spans.reduce((n, x) => n + x.count, 0) })),
      leftOutSlots: world < ctx.hosts.length && history.length ? ctx.hosts.map((_, i) => i).filter((i) => !slots.includes(i)) : [],
    });
    const attemptHosts = slots.slice(0, world).map((s) => ctx.hosts[s]!);
    const current = new Attempt(
      {
        attempt, worldSize: world, hosts: slots.slice(0, world).map((s) => ctx.hosts[s]),
        welcome: (rank) => ({
          ...whereModel(ctx.modelUrlFor?.(attemptHosts[rank]!), opts.modelPath),
          job_id: ctx.jobId, device: opts.device, precision: opts.precision, batch_size: opts.batchSize, intra_op_threads: opts.intraOpThreads,
          width: info.width, height: info.height, heartbeat_interval_ms: opts.heartbeatIntervalMs, frame_format: rankFrameFormat(ctx.encoding, info),
          yuv_matrix: ctx.encoding.yuv_matrix ?? '',
        }),
        assignments: shares.map((spans, rank) => ({
          ranges: spans.map((s) => {
            const p = seekPoints(info, s.start);
            return { start: s.start, count: s.count, seek_seconds: p.seekSeconds, trim_seconds: p.trimSeconds, pts: info.pts.slice(s.start, s.start + s.count) };
          }),
          ...whereData(ctx.inputFor?.(attemptHosts[rank]!), info.path, store),
          chunk_frames: ctx.chunkFrames, width: info.width, height: info.height,
          time_base_num: info.timeBase.num, time_base_den: info.timeBase.den, encoding: ctx.encoding,
        })),
        barrierTimeoutMs: opts.barrierTimeoutMs, heartbeatTimeoutMs: opts.heartbeatTimeoutMs, stopGraceMs: opts.stopGraceMs,
        rankEnv: (rank) => ({
          ...ctx.rankEnv,
          STYLERUN_RANK: String(rank), STYLERUN_WORLD_SIZE: String(world), ...localIdentity(attemptHosts, rank),
          STYLERUN_COORDINATOR: ctx.coordinatorFor(attemptHosts[rank]!), STYLERUN_ATTEMPT: String(attempt), STYLERUN_DEVICE: opts.device,
          ...(opts.gpus ? { STYLERUN_GPUS: opts.gpus.join(',') } : {}), STYLERUN_RANKS_PER_GPU: String(opts.ranksPerGpu),
          // --quiet/--verbose reach ranks on other hosts too, whose environment is only what is listed here
          ...(process.env.STYLERUN_LOG_LEVEL ? { STYLERUN_LOG_LEVEL: process.env.STYLERUN_LOG_LEVEL } : {}),
          // a rank's stderr is a pipe to the launcher: it writes in the launcher's format, which the launcher passes on
          [logFormatVariable]: logFormat(),
        }),
        jobToken: ctx.jobToken,
        onProgress: (byRank) => events.emit({ kind: 'progress', attempt, doneFrames: total - pendingCount + byRank.reduce((a, b) => a + b, 0), totalFrames: total, byRank }),
        onChunk: (c) => {
          const check = acceptChunk(ctx, c, attempt);
          checks.push(check.catch(() => {}));
          return check;
        },
        onEvent: (e) => {
          if (e.kind === 'rank-ready') {
            events.emit({ kind: 'rank-state', attempt, rank: e.rank, host: e.host, state: 'ready', pid: e.pid, executionProvider: e.executionProvider, device: e.device, loadMs: e.loadMs });
          } else if (e.kind === 'rank-failed') {
            events.emit({ kind: 'rank-state', attempt, rank: e.failure.rank, host: e.failure.host, state: 'failed', reason: describeFailure(e.failure) });
          } else events.emit(e);
        },
      },
      ctx.server, ctx.spawner, ctx.log,
    );
    ctx.onAttempt?.(attempt, current);
    const onAbort = () => current.interrupt('interrupted');
    signal?.addEventListener('abort', onAbort, { once: true });
    if (signal?.aborted) current.interrupt('interrupted');
    const result = await current.run();
    await Promise.all(checks); // a rejected chunk's file is gone before anything else looks at the store
    signal?.removeEventListener('abort', onAbort);
    shares.forEach((share, rank) => processed.push(...firstFrames(share, result.framesDoneByRank[rank] ?? 0)));
    const cause = result.rootCause;
    attempts.push({ attempt, ranks: world, framesScattered: pendingCount, framesRedone: redone, state: result.state, rootCause: cause && describeFailure(cause) });
    if (result.state === 'succeeded') return { result, attempts };
    if (signal?.aborted || cause?.reason === 'interrupted') {
      throw new InterruptedError(abortSignalName(signal), `; finish it with ${finishCommand(ctx.jobId, opts)}`);
    }
    if (cause?.reason === 'barrier-timeout') throw new BarrierTimeoutError(cause);
    history.push({ slots: slots.slice(0, world), failedSlot: cause && cause.rank >= 0 ? slots[cause.rank] : undefined });
    const decision = restartDecision(attempt, opts.maxRestarts, cause);
    events.emit({ kind: 'attempt-failed', attempt, rootCause: cause ? describeFailure(cause) : 'unknown', rootCauseRank: cause && cause.rank >= 0 ? cause.rank : undefined, willRerun: decision.kind !== 'give-up' });
    if (decision.kind === 'give-up') {
      if (cause?.reason === 'no-space') {
        await store.removeStaged();
        throw new NoSpaceError(opts.workRoot, `free some space, then finish it with ${finishCommand(ctx.jobId, opts)}; or choose another --work-dir`);
      }
      throw new GaveUpError(attempt, cause, `gave up after ${attempt} attempts (${decision.why}); root cause: ${cause ? describeFailure(cause) : 'unknown'}; finish it with ${finishCommand(ctx.jobId, opts)}`);
    }
  }
}

/**
 * Journals a chunk once it verifies. A rejected chunk's file is removed (nothing may use it), and its
 * rejection is a full disk when the disk is full: a cut-short chunk and less room than one raw frame.
 */
async function acceptChunk(ctx: AttemptsContext, c: ChunkReport, attempt: number): Promise<void> {
  try {
    await ctx.store.verify(c);
    ctx.journal.append({ ...c, attempt });
    ctx.events.emit({ kind: 'chunk-committed', attempt, rank: c.rank, start: c.start, count: c.count, committedFrames: ctx.journal.committedFrames() });
  } catch (e) {
    const full = isNoSpace(e) || fullForFrame(ctx.store.freeBytes(), ctx.info.width, ctx.info.height);
    await ctx.store.remove(c.key);
    throw full ? new NoSpaceError(ctx.store.location, undefined, { cause: e }) : e;
  }
}

/** A rank's index among the ranks on its host, and how many share the host (each host's GPUs go by it). */
function localIdentity(hosts: readonly string[], rank: number): Record<string, string> {
  const host = hosts[rank];
  return {
    STYLERUN_LOCAL_RANK: String(hosts.slice(0, rank).filter((h) => h === host).length),
    STYLERUN_LOCAL_WORLD_SIZE: String(hosts.filter((h) => h === host).length),
  };
}

/** The first `n` frames of a rank's share (what it had styled when it stopped). */
function firstFrames(share: readonly FrameSpan[], n: number): FrameSpan[] {
  const out: FrameSpan[] = [];
  for (const s of share) {
    if (n <= 0) break;
    out.push({ start: s.start, count: Math.min(s.count, n) });
    n -= s.count;
  }
  return out;
}

/**
 * Where a rank reads and writes: the launcher's own paths, or (no shared disk) the served input; its chunks go
 * into the store's folder, straight to a store it may upload to (Blob storage), or else through PutChunk.
 */
function whereData(remote: RemoteInput | undefined, input: string, store: Pick<ChunkStore, 'location' | 'directory' | 'writeUrl'>) {
  const reads = remote ? { input: remote.url, input_served: remote.access === 'launcher', input_url: remote.access === 'url' } : { input, input_served: false, input_url: false };
  const route = chunkRoute(remote !== undefined, store);
  return { ...reads, chunk_store: route === 'store' ? store.location : '', chunks_to_coordinator: route === 'coordinator', chunks_to_blob: route === 'blob' };
}

/** How a rank's chunks reach the store: it uploads them itself where it may, writes the folder where it shares it, else sends them to the launcher. */
export function chunkRoute(remote: boolean, store: Pick<ChunkStore, 'directory' | 'writeUrl'>): 'blob' | 'store' | 'coordinator' {
  if (store.writeUrl) return 'blob';
  return store.directory && !remote ? 'store' : 'coordinator';
}

/** The input of a rank without the launcher's disk: served by the launcher (read with the job token), or a URL with its own credential. */
export interface RemoteInput {
  url: string;
  access: 'launcher' | 'url';
}

/** The model as a rank loads it: the launcher's path, or (no shared disk) the served copy it downloads first. */
function whereModel(servedModel: string | undefined, modelPath: string) {
  return servedModel ? { model_path: servedModel, model_served: true } : { model_path: modelPath, model_served: false };
}
