// The job pipeline: check everything, probe the input, run attempts of the styling step until one
// succeeds (or the rerun policy gives up), then gather the chunks into the output.
import { randomBytes } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../common/errors/input-error.js';
import { freeBytes } from '../../common/free-space.js';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import type { Logger } from '../../common/log.js';
import { loadModelChecked } from '../../models/contract.js';
import { ModelContractError } from '../../models/errors.js';
import { runAttempts, type AttemptSummary } from '../coordinator/rerun-loop.js';
import type { Attempt, AttemptResult } from '../coordinator/attempt.js';
import { openEndpoints } from './endpoints.js';
import { openJobInput, probeInput, type JobInput } from './job-input.js';
import { openJobOutput, type JobOutput } from './job-output.js';
import { abortSignalName, InterruptedError } from './interrupted-error.js';
import { encodeOutput, writeFrames } from './gather.js';
import { chunkEncoding, defaultChunkFrames, describeChunks } from './output-encoding.js';
import { inputDigest, modelDigest } from './source-identity.js';
import { sourceWarnings } from './source-warnings.js';
import { isLocalHost, parseHostList, placeRanks, readHostfile } from '../spawn/hostfile.js';
import type { JobRecord } from '../job-store/job-record.js';
import { JobFolder } from '../job-store/job-folder.js';
import type { SourcesPolicy } from '../job-store/job-sources.js';
import { applyHistoryEvent, closeHistory, emptyHistory } from './job-history.js';
import { removeCoordinatorRecord, writeCoordinatorRecord } from '../job-store/coordinator-record.js';
import { finishCommand } from '../job-store/resume-command.js';
import { planGather } from '../job-store/journal.js';
import type { JobOptions, RawOptions } from '../cli/options.js';
import { checkOutputDir, checkWorkRoot, checkWorkStore, folderProblem } from './work-dir.js';
import { setForcedHint, whenForced } from './forced-exit.js';
import { GatherError } from './gather-error.js';
import { usesAccountKey } from '../../common/storage/blob-location.js';
import { chunkBytesEstimate, spaceWarning } from './space-check.js';
import { resolveEntry } from '../spawn/entry.js';
import { LocalSpawner } from '../spawn/local.js';
import { HostSpawner, SshSpawner } from '../spawn/ssh.js';
import type { RankSpawner } from '../spawn/spawner.js';
import { checkDevice, cudaEnvironment } from './device-check.js';
import { cudaProviderSonames, cudaSearchFolders, findCudaLibraries } from '../../common/cuda-libraries.js';
import { cudaProviderPath, machineFacts } from '../../common/device.js';
import { askFfmpegEarly } from '../../common/ffmpeg/features.js';
import { startupOver } from '../../common/code-cache.js';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { JobEvents, type JobListener } from './events.js';
import { JobStateMachine } from './job-state.js';
import { applyJobEvent, type JobView } from './job-view.js';
import { logJobEvents } from './log-events.js';

/** What a finished job reports. */
export interface JobSummary {
  jobId: string;
  output: string;
  frames: number;
  /** Ranks of the last attempt: fewer than at start once an elastic shrink left a slot out. */
  ranks: number;
  /** Ranks of the first attempt. */
  ranksAtStart: number;
  wallMs: number;
  /** From the last attempt's start to its barrier. */
  barrierMs: number;
  /**
   * From the job's start (options read) to the first attempt's barrier: what a user waits before frames flow,
   * the launcher's checks and the ranks' start-up included, whether ranks started with the attempt or ahead of it.
   */
  firstBarrierMs?: number;
  stylingMs: number;
  gatherMs: number;
  attempts: AttemptSummary[];
  result: AttemptResult;
  /** job.json, kept after success (in Blob storage for a Blob --work-dir), and the HTML report beside it. */
  recordPath: string;
  reportPath: string;
}


/**
 * A new job (its id made at random, or given: an engine job's id is a hash of what it is), or a resumed one, with
 * what to do where its input, model or chunk encoding changed since it began: refused unless told (a user's
 * --resume: the original may be put back); an engine's rerun and a watcher begin again, as the command asks
 * for what is there now.
 */
export type JobStart = { kind: 'new'; raw: RawOptions; jobId?: string } | { kind: 'resume'; jobId: string; changedSources?: SourcesPolicy };

/** What runs a job besides its options: where it logs, what stops it, how ranks start, who listens. */
export interface JobRuntime {
  log: Logger;
  /** Aborts the job (Ctrl-C); the error then is InterruptedError. */
  signal?: AbortSignal;
  spawner?: RankSpawner;
  /** Told every JobEvent, after the log. */
  listeners?: JobListener[];
  /** Each rank's host, when the caller knows better than a hostfile (an engine that spans machines). */
  hosts?: string[];
}

/** Runs a whole job, emitting JobEvents (logged through `rt.log`) as it goes. */
export async function runJob(opts: JobOptions, start: JobStart, rt: JobRuntime): Promise<JobSummary> {
  const { log, signal } = rt;
  const spawner = rt.spawner ?? hostSpawner(opts, log);
  const events = new JobEvents();
  events.on(logJobEvents(log));
  // the launcher's start-up ends with its ranks': what it compiled by then is kept for the next start
  events.on((e) => e.kind === 'barrier-passed' && setImmediate(startupOver));
  for (const l of rt.listeners ?? []) events.on(l);
  const machine = new JobStateMachine((from, to, why) => events.emit({ kind: 'state', from, to, why }), log);
  try {
    const summary = await runStages(opts, start, { log, signal, spawner, events, machine, hosts: rt.hosts });
    machine.transition('succeeded', 'output in place');
    events.emit({ kind: 'done', summary });
    return summary;
  } catch (e) {
    machine.transition('failed', e instanceof StylerunError ? e.code : 'internal error');
    throw e;
  }
}

interface Stages {
  log: Logger;
  signal?: AbortSignal;
  spawner: RankSpawner;
  events: JobEvents;
  machine: JobStateMachine;
  hosts?: string[];
}

async function runStages(opts: JobOptions, start: JobStart, { log, signal, spawner, events, machine, hosts: given }: Stages): Promise<JobSummary> {
  const started = Date.now();
  // no ffmpeg, or a STYLERUN_FFMPEG naming none, stops the job before any rank starts; the gather's flags
  // depend on what that ffmpeg takes, learnt while the job runs, not at its end
  void askFfmpegEarly(ffmpegPath());
  const output = await openJobOutput(opts.output, opts.input, log);
  checkWorkRoot(opts.workRoot);
  // checked now, not at the end of the job: a file there made an internal error once every frame was styled
  const framesProblem = opts.keepFrames && folderProblem(opts.keepFrames);
  if (framesProblem) throw new StylerunError('KEEP_FRAMES_NOT_WRITABLE', ExitCode.badOutput, `cannot write frames into ${opts.keepFrames}: ${framesProblem}; choose another --keep-frames`);
  checkOutputDir(opts.outputDir);
  if (opts.workStore) {
    await checkWorkStore(opts.workStore);
    // a key gives every right on the account; it is also what lets the launcher sign each rank's per-chunk SAS
    if (usesAccountKey(opts.workStore)) log.warn('--work-dir: an account key gives every right on the account; it is used here to sign a SAS for each chunk ranks upload');
  }
  const hosts = given ?? (await placement(opts));
  // where the ranks find CUDA's libraries; a failure is reported in its turn, after the input's and the model's
  let cudaEnv: CudaEnvironment | undefined;
  let cudaError: unknown;
  try {
    cudaEnv = cudaEnvironment(opts.device, machineFacts(), () => findCudaLibraries(cudaSearchFolders(), cudaProviderSonames(cudaProviderPath())), opts.exportEnv.LD_LIBRARY_PATH ?? process.env.LD_LIBRARY_PATH);
  } catch (e) {
    cudaError = e;
  }
  const cuda = (): CudaEnvironment => {
    if (!cudaEnv) throw cudaError;
    return cudaEnv;
  };
  // the ranks' processes start now and load Node, their code and onnxruntime (about 0.15 s of CPU each) while
  // this one opens and probes the input and checks the model; each waits there for its rank and its job
  spawner.prestart?.(hosts, { ...opts.exportEnv, ...cudaEnv?.env });
  try {
    const input = await openJobInput(opts.input, log);
    try {
      return await styleAndGather(opts, start, { log, signal, spawner, events, machine }, { started, output, input, hosts, cuda });
    } finally {
      await input.close();
    }
  } finally {
    await spawner.discardPrestarted?.();
  }
}

/** What the stages after the checks work with. */
interface Opened {
  started: number;
  output: JobOutput;
  input: JobInput;
  hosts: string[];
  /** What the ranks need to find CUDA's libraries, where CUDA may run; throws where they cannot be found. */
  cuda: () => CudaEnvironment;
}

async function styleAndGather(opts: JobOptions, start: JobStart, { log, signal, spawner, events, machine }: Stages, { started, output, input, hosts, cuda }: Opened): Promise<JobSummary> {
  // the model is checked (an onnxruntime session, in this process) while ffprobe reads the input in its own:
  // both sit between the launch and the ranks' start. A bad input is still reported before a bad model.
  const modelChecked = checkModel(opts.modelPath);
  modelChecked.catch(() => {}); // awaited below, once the input is known to be good
  const info = await probeInput(input);
  const total = info.pts.length;
  if (opts.ranks > total) throw new InputError('TOO_MANY_RANKS', input.name, `-n ${opts.ranks} is more than the ${total} frames of ${input.name}`);
  log.info(`input ${info.width}x${info.height}, ${total} frames, ${info.codec}${info.audio ? `, audio ${info.audio.codec}` : ', no audio'}`);
  for (const w of sourceWarnings(info, input.name, output.name)) log.warn(w);
  const modelBytes = await modelChecked;
  checkDevice(opts.device);
  const cudaFound = cuda();
  if (cudaFound.warning) log.warn(cudaFound.warning);
  if (cudaFound.env.LD_LIBRARY_PATH) log.debug(`ranks' LD_LIBRARY_PATH: ${cudaFound.env.LD_LIBRARY_PATH}`);
  const encoding = chunkEncoding(opts.chunkCodec, info);
  const chunkFrames = opts.chunkFrames ?? defaultChunkFrames(opts.chunkCodec, info, hosts.length);
  log.info(describeChunks(encoding, chunkFrames));

  const jobId = start.jobId ?? randomBytes(4).toString('hex');
  log.setContext({ job: jobId });
  // the job's timeline, for job.json and the report, from its events
  let history = emptyHistory();
  events.on((e) => (history = applyHistoryEvent(history, e, Date.now() - started)));
  // the chunk length fixes the chunk grid, which a resume must keep whatever -n it runs with
  const sources = { input: await inputDigest(input.path, info), model: await modelDigest(opts.modelPath, modelBytes), chunks: encoding };
  const folder = await JobFolder.open(opts, jobId, start.kind === 'new'
    ? { kind: 'new', options: { ...start.raw, chunkFrames }, sources }
    : { kind: 'resume', sources, policy: start.changedSources ?? 'refuse', names: { input: input.name, model: opts.modelPath } }, log);
  const { dir: workDir, journal, store } = folder;
  const end = (ended: Pick<JobRecord, 'state'> & Partial<JobRecord>) => folder.end({ output: output.name, history: closeHistory(history, Date.now() - started), ...ended });
  events.emit({ kind: 'job-started', jobId, workDir: folder.name, totalFrames: total, committedFrames: journal.committedFrames(), resumed: start.kind === 'resume' });
  const short = spaceWarning(opts.workRoot, freeBytes(workDir), chunkBytesEstimate(opts.chunkCodec, info.width, info.height, total - journal.committedFrames()), opts.chunkCodec);
  if (short) log.warn(short);

  const jobToken = randomBytes(24).toString('hex');
  const tmpOutput = output.temporary(jobId, workDir);
  // a second Ctrl-C exits at once: the half-written output goes, and the line says how to finish
  const unforced = whenForced(() => (output.discard(tmpOutput), folder.unlock()));
  setForcedHint(`; finish it with ${finishCommand(jobId, opts)}`);
  let live: { attempt: number; current: Attempt } | undefined;
  // the job's part of Status comes from its events; each rank's part from the live attempt
  let view: JobView = { jobState: machine.state, attempt: 0, totalFrames: total, committedFrames: journal.committedFrames() };
  events.on((e) => (view = applyJobEvent(view, e)));
  let endpoints: Awaited<ReturnType<typeof openEndpoints>>;
  try {
    endpoints = await openEndpoints({
      opts, hosts, jobToken, store, input, inputPath: info.path, log,
      status: () => ({
        job_id: jobId,
        job_state: view.jobState,
        state: live?.current.state ?? 'init',
        attempt: view.attempt,
        total_frames: view.totalFrames,
        committed_frames: view.committedFrames,
        ranks: live?.current.rankStatuses() ?? [],
      }),
    });
  } catch (e) {
    // not yet in the try below, whose finally lets go of what the job holds
    unforced();
    setForcedHint('');
    folder.unlock();
    throw e;
  }
  const { server, port } = endpoints;
  let succeeded = false;
  let ranksGone: Promise<void> | undefined;
  writeCoordinatorRecord(workDir, { jobId, address: `127.0.0.1:${port}`, pid: process.pid, jobToken, certPem: endpoints.certPem });
  try {
    machine.transition('styling', `${total - journal.committedFrames()} frames to style`);
    const run = await runAttempts({
      opts, info, encoding, chunkFrames, rankEnv: { ...opts.exportEnv, ...cudaFound.env, ...endpoints.tlsEnv },
      coordinatorFor: endpoints.coordinatorFor, inputFor: endpoints.inputFor, modelUrlFor: endpoints.modelUrlFor, hosts, journal, store, server, spawner, log, events, signal, jobId, jobToken, port,
      onAttempt: (attempt, current) => (live = { attempt, current }),
    });
    // the last attempt's ranks exit while the gather runs (a GPU rank's exit tears down its device context);
    // the job waits for both
    ranksGone = live?.current.ranksGone;
    machine.transition('gathering', 'every frame committed');
    const gatherStarted = Date.now();
    const planned = planGather(journal.load(), total);
    const chunks = planned.map((e) => ({ path: store.readPath(e.key), start: e.start }));
    // a chunk deleted from a local job folder after its commit (by hand, by a cleaner) would fail the gather's ffmpeg
    // with a bare "No such file": say which, and how to restyle it (--resume re-checks every chunk)
    const gone = opts.workStore ? undefined : planned.find((_, k) => !existsSync(chunks[k]!.path));
    if (gone) {
      throw new StylerunError('CHUNK_GONE', ExitCode.internal, `chunk ${gone.key} (frames ${gone.start}-${gone.start + gone.count - 1}) was committed but is gone from ${join(workDir, 'chunks')}: finish it with ${finishCommand(jobId, opts)}, which restyles what is missing`);
    }
    try {
      await encodeOutput({ chunks, info, output: tmpOutput, workDir, encoding, onNote: (n) => log.info(n) }, signal);
      if (opts.keepFrames) await writeFrames(chunks, info, workDir, opts.keepFrames, signal);
    } catch (e) {
      // the output's place refused it, or the disk filled: the styled chunks are kept, a resume only gathers again
      if (!(e instanceof GatherError) || e.exitCode === ExitCode.internal) throw e;
      throw new StylerunError(e.code, e.exitCode, `${e.message}; every frame is styled and kept: finish it with ${finishCommand(jobId, opts)}`, { cause: e });
    }
    if (signal?.aborted) throw new InterruptedError(abortSignalName(signal), '');
    try {
      await output.commit(tmpOutput);
    } catch (e) {
      // a Blob output refused at the end: the styled chunks are kept, so a resume only gathers again
      if (!(e instanceof StylerunError)) throw e;
      throw new StylerunError(e.code, e.exitCode, `${e.message}; every frame is styled and kept: finish it with ${finishCommand(jobId, opts)} --output <a location it may write>`, { cause: e });
    }
    const gatherMs = Date.now() - gatherStarted;
    events.emit({ kind: 'gathered', output: output.name, gatherMs });
    await ranksGone;
    const wallMs = Date.now() - started;
    end({ state: 'succeeded', figures: { frames: total, wallMs, framesPerSecond: total / Math.max(wallMs / 1000, 1e-3), barrierMs: run.result.barrierMs, stylingMs: gatherStarted - started, gatherMs } });
    succeeded = true;
    if (!opts.keepWork) await folder.removeWork();
    return {
      jobId, output: output.name, frames: total, ranks: run.attempts.at(-1)?.ranks ?? hosts.length, ranksAtStart: run.attempts[0]?.ranks ?? hosts.length, wallMs, barrierMs: run.result.barrierMs ?? 0,
      firstBarrierMs: history.attempts.find((a) => a.barrierMs !== undefined)?.barrierMs,
      stylingMs: gatherStarted - started, gatherMs, attempts: run.attempts, result: run.result, recordPath: folder.recordPath, reportPath: folder.reportPath,
    };
  } catch (e) {
    output.discard(tmpOutput);
    const error = signal?.aborted && !(e instanceof StylerunError) ? new InterruptedError(abortSignalName(signal), `; finish it with ${finishCommand(jobId, opts)}`) : e;
    end({ state: 'failed', error: (error as Error).message.split('\n')[0] });
    throw error;
  } finally {
    unforced();
    setForcedHint('');
    await ranksGone; // also where the gather failed: no rank outlives its job
    removeCoordinatorRecord(workDir);
    await endpoints.close();
    // the ranks are gone and the endpoints closed: nothing can commit a chunk any more
    if (!succeeded) await folder.removeUnvouched();
    await folder.flush();
    folder.unlock();
  }
}

/**
 * Host of each rank: all local without a hostfile; from the hostfile (this machine only, for now). A local rank's
 * host is this machine's name, whatever the hostfile calls it, so that logs, Status and errors name it one way.
 */
async function placement(opts: JobOptions): Promise<string[]> {
  if (!opts.hostfile && !opts.hosts) return Array.from({ length: opts.ranks }, () => hostname());
  const source = opts.hostfile ?? '--host';
  const entries = opts.hostfile ? await readHostfile(opts.hostfile) : parseHostList(opts.hosts!);
  const hosts = placeRanks(entries, opts.ranks, source, opts.mapBy);
  const localNames = [hostname(), ...Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address))];
  // a local rank's host is this machine's name, whatever the hostfile calls it
  return hosts.map((h) => (isLocalHost(h, localNames) ? hostname() : h));
}

/** This machine's ranks as children, other hosts' over the launch agent (only what a caller gives no spawner for). */
function hostSpawner(opts: JobOptions, log: Logger): RankSpawner {
  const local = new LocalSpawner(log, undefined, opts.outputDir);
  const agent = opts.launchAgent.split(/\s+/).filter(Boolean);
  const remote = opts.prefix ? new SshSpawner(log, agent, 'node', join(opts.prefix, 'dist', 'rank', 'main.js')) : new SshSpawner(log, agent, process.execPath, resolveEntry());
  return new HostSpawner(local, remote, (host) => host === hostname());
}

/**
 * The model, loaded once in this process (an onnxruntime session on the CPU) and checked against the contract; exit 4
 * where it fails. Resolves with the model file's bytes, read for the check (the job's recorded sources hash them).
 */
export async function checkModel(modelPath: string): Promise<Uint8Array> {
  try {
    const { session, bytes } = await loadModelChecked(modelPath, { executionProviders: ['cpu'] });
    await session.release();
    return bytes;
  } catch (e) {
    if (e instanceof ModelContractError) throw new StylerunError('BAD_MODEL', ExitCode.badModel, e.message, { cause: e });
    throw e;
  }
}

/** What cudaEnvironment finds: the ranks' variables, and a warning where something is off. */
type CudaEnvironment = ReturnType<typeof cudaEnvironment>;
