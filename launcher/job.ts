// The job pipeline: check everything, probe the input, run attempts of the styling step until one
// succeeds (or the rerun policy gives up), then gather the chunks into the output.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../common/errors/input-error.js';
import { UsageError } from '../common/errors/usage-error.js';
import { probeVideo } from '../common/ffmpeg/probe.js';
import type { Logger } from '../common/log.js';
import { LocalChunkStore } from '../common/storage/local-store.js';
import { loadModelChecked } from '../models/contract.js';
import { ModelContractError } from '../models/errors.js';
import { ExitCode } from '../common/exit-codes.js';
import { StylerunError } from '../common/errors/stylerun-error.js';
import { sha256File } from '../rank/chunk-writer.js';
import { Attempt, type AttemptResult } from './coordinator/attempt.js';
import { describeFailure, restartDecision } from './coordinator/decisions.js';
import { CoordinatorServer } from './coordinator/server.js';
import { BarrierTimeoutError } from './errors/barrier-timeout-error.js';
import { GaveUpError } from './errors/gave-up-error.js';
import { InterruptedError } from './errors/interrupted-error.js';
import { encodeOutput, writeFrames } from './gather.js';
import { isLocalHost, placeRanks, readHostfile } from './hostfile.js';
import { Journal, planGather } from './journal.js';
import type { JobOptions } from './options.js';
import { checkOutput, removeTemporary, temporaryOutput } from './output.js';
import { scatterSpans, uncovered } from './scatter.js';
import { seekPoints } from './seek.js';
import { LocalSpawner } from './spawn/local.js';
import type { RankSpawner } from './spawn/spawner.js';

/** One attempt as the summary reports it. */
export interface AttemptSummary {
  attempt: number;
  ranks: number;
  framesScattered: number;
  state: AttemptResult['state'];
  rootCause?: string;
}

/** What a finished job reports. */
export interface JobSummary {
  jobId: string;
  output: string;
  frames: number;
  ranks: number;
  wallMs: number;
  barrierMs: number;
  stylingMs: number;
  gatherMs: number;
  attempts: AttemptSummary[];
  result: AttemptResult;
}

/** Runs a whole job. `signal` aborts it (Ctrl-C); the error then is InterruptedError. */
export async function runJob(opts: JobOptions, log: Logger, signal?: AbortSignal, spawner: RankSpawner = new LocalSpawner(log)): Promise<JobSummary> {
  const started = Date.now();
  checkOutput(opts.output, opts.input);
  const hosts = await placement(opts);
  const info = await probeVideo(opts.input);
  const total = info.pts.length;
  if (opts.ranks > total) throw new InputError('TOO_MANY_RANKS', opts.input, `-n ${opts.ranks} is more than the ${total} frames of ${opts.input}`);
  log.info(`input ${info.width}x${info.height}, ${total} frames, ${info.codec}${info.audio ? `, audio ${info.audio.codec}` : ', no audio'}`);
  await checkModel(opts.modelPath);

  const jobId = randomBytes(4).toString('hex');
  const jobToken = randomBytes(24).toString('hex');
  const workDir = join(opts.workRoot, jobId);
  const chunkDir = join(workDir, 'chunks');
  mkdirSync(chunkDir, { recursive: true });
  writeFileSync(join(workDir, 'job.json'), JSON.stringify({ jobId, input: opts.input, output: opts.output, model: opts.modelPath, frames: total, createdAt: new Date().toISOString() }, null, 2));
  const journal = new Journal(join(workDir, 'journal.jsonl'));
  const store = new LocalChunkStore(chunkDir);
  const tmpOutput = temporaryOutput(opts.output, jobId);

  const server = new CoordinatorServer(jobToken, () => ({ job_id: jobId, state: current?.state ?? 'init', attempt: attempts.length, total_frames: total, committed_frames: committed(journal) }));
  const port = await server.listen('127.0.0.1', 0);
  const attempts: AttemptSummary[] = [];
  let current: Attempt | undefined;
  const onAbort = () => current?.interrupt('interrupted');
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let result: AttemptResult | undefined;
    for (let attempt = 1; ; attempt++) {
      const pending = uncovered(total, journal.load());
      const world = Math.min(hosts.length, pending.reduce((s, p) => s + p.count, 0));
      const shares = scatterSpans(pending, world);
      log.info(`attempt ${attempt} of ${opts.maxRestarts + 1}: ${world} ranks, ${total - committed(journal)} frames to style`);
      current = new Attempt(
        {
          attempt, worldSize: world, hosts: hosts.slice(0, world),
          welcome: { job_id: jobId, model_path: opts.modelPath, device: opts.device, batch_size: opts.batchSize, intra_op_threads: opts.intraOpThreads, width: info.width, height: info.height, heartbeat_interval_ms: opts.heartbeatIntervalMs },
          assignments: shares.map((spans) => ({
            ranges: spans.map((s) => ({ start: s.start, count: s.count, ...toWire(seekPoints(info, s.start)) })),
            input: info.path, chunk_store: chunkDir, chunk_frames: opts.chunkFrames, width: info.width, height: info.height,
          })),
          barrierTimeoutMs: opts.barrierTimeoutMs, heartbeatTimeoutMs: opts.heartbeatTimeoutMs, stopGraceMs: opts.stopGraceMs,
          rankEnv: (rank) => ({
            STYLERUN_RANK: String(rank), STYLERUN_WORLD_SIZE: String(world), STYLERUN_LOCAL_RANK: String(rank), STYLERUN_LOCAL_WORLD_SIZE: String(world),
            STYLERUN_COORDINATOR: `127.0.0.1:${port}`, STYLERUN_ATTEMPT: String(attempt), STYLERUN_JOB_TOKEN: jobToken, STYLERUN_DEVICE: opts.device,
          }),
          onChunk: async (c) => {
            const sha = await sha256File(store.readPath(c.key));
            if (sha !== c.sha256) throw new Error('checksum mismatch');
            journal.append({ ...c, attempt });
          },
        },
        server, spawner, log,
      );
      if (signal?.aborted) current.interrupt('interrupted');
      result = await current.run();
      const cause = result.rootCause;
      attempts.push({ attempt, ranks: world, framesScattered: shares.flat().reduce((s, p) => s + p.count, 0), state: result.state, rootCause: cause && describeFailure(cause) });
      if (result.state === 'succeeded') break;
      if (signal?.aborted || cause?.reason === 'interrupted') throw new InterruptedError(signalName(signal), `; resume is kept in ${workDir}`);
      if (cause?.reason === 'barrier-timeout') throw new BarrierTimeoutError(cause);
      log.warn(`attempt ${attempt} failed; root cause: ${cause ? describeFailure(cause) : 'unknown'}`);
      const decision = restartDecision(attempt, opts.maxRestarts, cause);
      if (decision.kind === 'give-up') {
        throw new GaveUpError(attempt, cause, `gave up after ${attempt} attempts (${decision.why}); root cause: ${cause ? describeFailure(cause) : 'unknown'}`);
      }
    }
    const gatherStarted = Date.now();
    const chunkPaths = planGather(journal.load(), total).map((e) => store.readPath(e.key));
    await encodeOutput({ chunkPaths, info, output: tmpOutput, workDir, onNote: (n) => log.warn(n) }, signal);
    if (opts.keepFrames) await writeFrames(chunkPaths, workDir, opts.keepFrames, signal);
    if (signal?.aborted) throw new InterruptedError(signalName(signal), '');
    renameSync(tmpOutput, opts.output);
    const gatherMs = Date.now() - gatherStarted;
    if (!opts.keepWork) rmSync(workDir, { recursive: true, force: true });
    const barrierMs = result.barrierMs ?? 0;
    return { jobId, output: opts.output, frames: total, ranks: hosts.length, wallMs: Date.now() - started, barrierMs, stylingMs: gatherStarted - started, gatherMs, attempts, result };
  } catch (e) {
    removeTemporary(tmpOutput);
    if (signal?.aborted && !(e instanceof StylerunError)) throw new InterruptedError(signalName(signal), '');
    throw e;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await server.close();
  }
}

function toWire(p: { seekSeconds: number; trimSeconds: number }): { seek_seconds: number; trim_seconds: number } {
  return { seek_seconds: p.seekSeconds, trim_seconds: p.trimSeconds };
}

function signalName(signal?: AbortSignal): 'SIGINT' | 'SIGTERM' {
  return signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

function committed(journal: Journal): number {
  const done = journal.load();
  return done.reduce((s, e) => s + e.count, 0);
}

/** Host of each rank: all local without a hostfile; from the hostfile (this machine only, for now). */
async function placement(opts: JobOptions): Promise<string[]> {
  if (!opts.hostfile) return Array.from({ length: opts.ranks }, () => 'localhost');
  const hosts = placeRanks(await readHostfile(opts.hostfile), opts.ranks, opts.hostfile);
  const localNames = [hostname(), ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address))];
  const remote = hosts.find((h) => !isLocalHost(h, localNames));
  if (remote) throw new UsageError(`${opts.hostfile}: host "${remote}" is not this machine; ranks on other hosts are not supported yet`, 'REMOTE_NOT_SUPPORTED');
  return hosts;
}

async function checkModel(modelPath: string): Promise<void> {
  try {
    const { session } = await loadModelChecked(modelPath, { executionProviders: ['cpu'] });
    await session.release();
  } catch (e) {
    if (e instanceof ModelContractError) throw new StylerunError('BAD_MODEL', ExitCode.badModel, e.message, { cause: e });
    throw e;
  }
}

