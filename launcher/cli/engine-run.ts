// The same command under an engine (`mpirun -n 4 stylerun --input a.mp4 --output b.mp4`): the engine has
// started every process, so stylerun starts none of its own. Rank 0 runs the job (probe, coordinator, gather)
// and its own rank; each other process starts its rank on rank 0's order. The job id comes from what the job
// is, so the same command run again, by hand or by the engine's retry, resumes from the committed chunks.
import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';
import type { RankIdentity } from '../../common/identity.js';
import { identityFromEnv, ignoredEngineVariables } from '../../common/identity.js';
import { redactLocation } from '../../common/storage/blob-location.js';
import type { Logger } from '../../common/log.js';
import type { JobListener } from '../job/events.js';
import { runJob } from '../job/job.js';
import { checkOutputDir } from '../job/work-dir.js';
import { clearStartOrders, publishStartOrder } from '../job-store/start-orders.js';
import { standInHost } from '../coordinator/rank-record.js';
import { EngineSpawner } from '../spawn/engine-spawner.js';
import { runEngineMember } from '../spawn/engine-member.js';
import { LocalSpawner } from '../spawn/local.js';
import { recordable, resumedOptions, resolveOptions, type JobOptions, type RawOptions } from './options.js';
import { resumableRecord } from '../job-store/job-record.js';

/** The engine that started this process, if any (stylerun's own rank variables are not an engine). */
export function engineIdentity(env: NodeJS.ProcessEnv): RankIdentity | undefined {
  const id = identityFromEnv(env);
  return id && id.source !== 'stylerun' ? id : undefined;
}

/** The job id every process of one engine job computes alike: a hash of what the job is. */
export function engineJobId(opts: Pick<JobOptions, 'input' | 'output' | 'modelPath' | 'chunkCodec'>): string {
  // without a SAS, which changes from run to run while the job stays the same
  return createHash('sha256').update(JSON.stringify([redactLocation(opts.input), redactLocation(opts.output), opts.modelPath, opts.chunkCodec])).digest('hex').slice(0, 8);
}

function engineCommand(engine: RankIdentity): string {
  const names: Record<RankIdentity['source'], string> = { openmpi: 'mpirun', mpich: 'mpiexec', torchrun: 'torchrun', azureml: 'Azure ML job', kubernetes: 'Kubernetes Job', stylerun: 'stylerun' };
  return names[engine.source];
}

/** Runs this process's part of an engine job; resolves with the exit code for a member rank, or undefined for rank 0. */
export async function runUnderEngine(
  engine: RankIdentity, given: RawOptions, rt: { log: Logger; signal?: AbortSignal; listeners: JobListener[] },
): Promise<number | undefined> {
  const { log } = rt;
  // Over several machines every process but rank 0 counts as on another host: its rank reaches the
  // coordinator over TLS at rank 0's address and reads the input and model from rank 0 (served), sending its
  // chunks back, so only the job folder (where the start orders are) must be shared.
  const multiHost = engine.localWorldSize !== engine.worldSize;
  const coordinatorAddress = given.coordinatorAddress ?? engine.coordinator?.host;
  if (given.n !== undefined && given.n !== engine.worldSize && engine.rank === 0) log.warn(`-n ${Number.isNaN(given.n) ? '(not a number)' : given.n} ignored: ${engine.source} started ${engine.worldSize} processes, one rank each`);
  if (given.maxRestarts && engine.rank === 0) log.warn(`--max-restarts ignored: under ${engine.source} a failed rank ends the job, and the same command run again resumes it`);
  // the engine placed the processes: a hostfile would have ranks checked against, or named after, hosts they are not on
  if ((given.hostfile !== undefined || given.host !== undefined || given.mapBy !== undefined) && engine.rank === 0) {
    log.warn(`--hostfile, --host and --map-by ignored: ${engine.source} placed its ${engine.worldSize} processes itself`);
  }
  const raw: RawOptions = {
    ...given, hostfile: undefined, host: undefined, mapBy: undefined, n: engine.worldSize, maxRestarts: 0, ...(multiHost && coordinatorAddress ? { coordinatorAddress } : {}),
  };
  const opts = { ...resolveOptions(raw), engine: engineCommand(engine) };
  // the processes meet through start orders in the job folder, which every one of them must see
  if (opts.workStore) throw new UsageError(`under ${engine.source}, --work-dir must be a folder every process sees; a Blob --work-dir is for jobs stylerun starts itself`);
  const jobId = engineJobId(opts);
  const jobDir = join(opts.workRoot, jobId);
  checkOutputDir(opts.outputDir);
  if (engine.rank !== 0) {
    // where the engine spans machines, only this process knows its place on its own machine (its GPU)
    const local: Record<string, string> = multiHost ? { STYLERUN_LOCAL_RANK: String(engine.localRank), STYLERUN_LOCAL_WORLD_SIZE: String(engine.localWorldSize) } : {};
    return runEngineMember(engine.rank, jobDir, opts.barrierTimeoutMs, new LocalSpawner(log, undefined, opts.outputDir), log, rt.signal, local);
  }
  clearStartOrders(jobDir);
  // the same command run again after a failure resumes; after a success (its record is kept) it runs anew
  const recorded = resumableRecord(opts.workRoot, jobId);
  const resume = recorded !== undefined;
  // a rerun keeps the recorded chunk grid and codec, as --resume does
  const jobOpts = recorded ? { ...resolveOptions(resumedOptions(recorded.options, raw, jobId)), engine: opts.engine } : opts;
  log.info(`started by ${engine.source}: ${engine.worldSize} ranks, job ${jobId}${resume ? ' (resuming: the same command ran before)' : ''}`);
  const ignored = ignoredEngineVariables(process.env, engine.source);
  if (ignored.length) log.warn(`${engine.source}'s variables decide each process's rank; also set, and ignored: ${ignored.join(', ')}`);
  // processes the job will not use (fewer chunks left than processes, or nothing left at all) are let go
  const releaseFrom = (first: number) => {
    for (let r = Math.max(1, first); r < engine.worldSize; r++) publishStartOrder(jobDir, { rank: r, idle: true });
  };
  const release: JobListener = (e) => {
    if (e.kind === 'attempt-started') releaseFrom(e.ranks);
    if (e.kind === 'nothing-to-style') releaseFrom(1);
  };
  // orders are not cleared at the end: a process not yet at its order would wait for it in vain (each
  // process removes its order when it takes it; a finished job's folder goes with them)
  await runJob(jobOpts, resume ? { kind: 'resume', jobId, changedSources: 'restart' } : { kind: 'new', raw: recordable(raw, opts), jobId }, {
    log, signal: rt.signal, listeners: [release, ...rt.listeners], spawner: new EngineSpawner(new LocalSpawner(log, undefined, jobOpts.outputDir), jobDir),
    hosts: multiHost ? Array.from({ length: engine.worldSize }, (_, r) => (r === 0 ? hostname() : standInHost(r))) : undefined,
  });
  return undefined;
}
