// `stylerun watch`: the trigger of the reference architecture (a Logic App polling for uploads). It looks at
// a Blob container (or a directory) every --interval, and runs each new upload as one job, with the same engine as `stylerun -n N`,
// claimed through a blob lease so that two watchers never run it twice; a job cut short (a watcher killed,
// a claim lost) is resumed from its committed chunks by whoever claims the upload next, because its job id
// comes from what the job is. Uploads that keep failing are parked with their error; floods are bounded.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { UsageError } from '../../common/errors/usage-error.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { createLogger, type Logger } from '../../common/log.js';
import { blobFailure, blobPrefix, describeBlob, isBlobLocation, parseBlobLocation, sameContainer, type BlobLocation } from '../../common/storage/blob-location.js';
import { engineJobId } from '../cli/engine-run.js';
import { recordable, resolveOptions, resumedOptions, type RawOptions } from '../cli/options.js';
import type { JobListener } from '../job/events.js';
import { openJobInput, probeInput } from '../job/job-input.js';
import { outputExtensions } from '../job/output.js';
import { checkModel, runJob } from '../job/job.js';
import { abortSignalName, InterruptedError } from '../job/interrupted-error.js';
import { checkWorkRoot, checkWorkStore, folderProblem } from '../job/work-dir.js';
import { resumableRecord } from '../job-store/job-record.js';
import { pulledBlobJob } from '../job-store/blob-job-mirror.js';
import { BlobWatchStore } from './blob-watch-store.js';
import { DirWatchStore } from './dir-watch-store.js';
import type { WatchStore } from './watch-store.js';
import { afterFailure, queuedUploads, refusal, type Upload, type WatchLimits } from './watch-decisions.js';

/** Everything `stylerun watch` was given, resolved. */
export interface WatchOptions {
  /** The container (and prefix) uploads arrive in. */
  readonly source: string;
  /** Where each styled video goes: a container (and prefix); its name is the upload's. */
  readonly styled: string;
  /** Where the watcher's records and claims go [the source container, under .stylerun/]. */
  readonly ops?: string;
  readonly limits: WatchLimits;
  readonly intervalMs: number;
  readonly claimSeconds: number;
  /** One look, every queued upload run, then exit (for cron-style schedulers and tests). */
  readonly once: boolean;
}

/** Where the watcher looks and writes, whatever the source is. */
interface Place {
  readonly store: WatchStore;
  /** The source, its outputs and its records, as a log line may name them. */
  readonly describe: string;
  /** Names under the source the watcher must not take (its own records and outputs). */
  readonly ignored: string[];
  inputOf(name: string): string;
  outputOf(name: string): string;
}

/** Watches until `signal` aborts (or, with `once`, after one look). */
export async function runWatch(w: WatchOptions, job: RawOptions, rt: { log: Logger; signal: AbortSignal; listeners: JobListener[] }): Promise<void> {
  const { log, signal } = rt;
  const place = isBlobLocation(w.source) ? blobPlace(w) : dirPlace(w);
  await checkJobOptions(job, place);
  log.info(`watching ${place.describe}; uploads matching ${w.limits.pattern.source}`);
  for (let look = 1; !signal.aborted; look++) {
    let found: [Upload[], Awaited<ReturnType<WatchStore['records']>>];
    try {
      found = [await place.store.list(), await place.store.records()];
    } catch (e) {
      const why = `cannot list ${place.describe.split(';')[0]}: ${e instanceof StylerunError ? e.message : blobFailure(e)}`;
      // the first look tells a wrong SOURCE; a later one may meet a passing fault, and the next look tries again
      if (look === 1) throw new StylerunError('WATCH_SOURCE_UNREADABLE', ExitCode.badInput, why, { cause: e });
      log.warn(`${why}; looking again in ${w.intervalMs / 1000} s`);
      await sleep(w.intervalMs, signal);
      continue;
    }
    const queue = queuedUploads(found[0], found[1], w.limits, place.ignored);
    for (const upload of queue) {
      if (signal.aborted) break;
      await takeUpload(upload, { place, w, job, rt });
    }
    if (w.once) break;
    await sleep(w.intervalMs, signal);
  }
  // stopped between jobs as during one: the documented 130 / 143
  if (signal.aborted) throw new InterruptedError(abortSignalName(signal), '');
}

/**
 * The job options every upload's job would run with, checked before the first look, as `stylerun` checks its
 * own: a bad one (-n 0, an unknown model, a model that breaks the contract, a file as --work-dir) would fail
 * every upload, each parked after --max-failures, with the watcher ending as if all were well.
 */
async function checkJobOptions(job: RawOptions, place: Place): Promise<void> {
  const opts = resolveOptions({ ...job, input: place.inputOf('upload.mp4'), output: place.outputOf('upload.mp4') });
  if (opts.workStore) await checkWorkStore(opts.workStore);
  else checkWorkRoot(opts.workRoot);
  await checkModel(opts.modelPath);
}

function blobPlace(w: WatchOptions): Place {
  const source = parseBlobLocation(w.source, 'watch SOURCE');
  const styled = parseBlobLocation(w.styled, '--styled');
  const ops = w.ops ? parseBlobLocation(w.ops, '--ops') : { ...source, blobName: '.stylerun' };
  // the styled video would replace its own upload; records would be taken as uploads
  if (sameContainer(source, styled) && blobPrefix(styled) === blobPrefix(source)) throw new UsageError('watch: --styled must not be SOURCE itself (each styled video would replace its upload)');
  if (sameContainer(source, ops) && blobPrefix(ops) === blobPrefix(source)) throw new UsageError('watch: --ops must not be SOURCE itself (its records would be taken as uploads)');
  const store = new BlobWatchStore(source, ops, w.claimSeconds);
  return {
    store,
    describe: `${describeBlob(source)}; styled videos to ${describeBlob(styled)}; records in ${describeBlob(ops)}`,
    ignored: [...store.ownPrefixes, ...(sameContainer(source, styled) ? [blobPrefix(styled)] : [])].filter(Boolean),
    inputOf: (name) => locationOf(source, name),
    outputOf: (name) => locationOf(styled, outputName(name, blobPrefix(source))),
  };
}

function dirPlace(w: WatchOptions): Place {
  if (!existsSync(w.source)) throw new UsageError(`watch SOURCE: ${resolve(w.source)} does not exist`);
  if (!statSync(w.source).isDirectory()) throw new UsageError(`watch SOURCE: ${resolve(w.source)} is not a directory`);
  if (isBlobLocation(w.styled) || (w.ops && isBlobLocation(w.ops))) throw new UsageError('watch: a directory source takes a directory for --styled and --ops');
  // each by its real path: a SOURCE given through a symlink must still know its own outputs and records
  const source = realpathSync(w.source);
  const styled = canonical(w.styled);
  const ops = w.ops ? canonical(w.ops) : join(source, '.stylerun');
  if (styled === source) throw new UsageError('watch: --styled must not be SOURCE itself (each styled video would replace its upload)');
  if (ops === source) throw new UsageError('watch: --ops must not be SOURCE itself (its records would be taken as uploads)');
  for (const [flag, dir] of [['--styled', styled], ['--ops', ops]] as const) {
    const problem = folderProblem(dir);
    if (problem) throw new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `watch ${flag}: cannot write into ${dir}: ${problem}`);
  }
  const store = new DirWatchStore(source, ops, w.claimSeconds, [styled]);
  return {
    store,
    describe: `${source}; styled videos to ${styled}; records in ${ops}`,
    ignored: store.ownPrefixes,
    inputOf: (name) => join(source, name),
    outputOf: (name) => join(styled, outputName(name, '')),
  };
}

interface Context {
  place: Place;
  w: WatchOptions;
  job: RawOptions;
  rt: { log: Logger; signal: AbortSignal; listeners: JobListener[] };
}

async function takeUpload(upload: Upload, { place, w, job, rt }: Context): Promise<void> {
  const { log } = rt;
  const { store } = place;
  const claim = await store.claim(upload.name);
  if (!claim) return; // another watcher has it
  const logs = jobLogs();
  let timeoutTimer: NodeJS.Timeout | undefined;
  try {
    // looked at again now that it is ours: another watcher may have finished it since the listing
    const record = await store.recordOf(upload.name);
    if (record && record.kind !== 'failed') return;
    const input = place.inputOf(upload.name);
    const tooMuch = refusal(upload, w.limits) ?? (await probedRefusal(input, upload, w.limits, log));
    if (tooMuch) {
      log.warn(`${upload.name}: refused (${tooMuch}); parked`);
      await store.park(upload.name, { refused: tooMuch });
      return;
    }
    const output = place.outputOf(upload.name);
    mkdirOf(output);
    // each rank's log (--output-dir) and the launcher's, kept in the ops store whatever the job's end
    const raw: RawOptions = { ...job, input, output, outputDir: job.outputDir ?? logs.dir };
    const opts = resolveOptions(raw);
    const jobId = uploadJobId(opts, upload);
    // the same upload's job, cut short before (a watcher killed, a claim lost): resume its committed chunks
    // (a Blob --work-dir's job is fetched into its local cache first: the watcher that began it may have been another machine)
    if (opts.workStore) await pulledBlobJob(opts.workStore, jobId, join(opts.workRoot, jobId), log);
    const recorded = resumableRecord(opts.workRoot, jobId);
    const resume = recorded !== undefined;
    const jobOpts = recorded ? resolveOptions(resumedOptions(recorded.options, raw, jobId)) : opts;
    log.info(`${upload.name}: job ${jobId}${resume ? ' (resuming)' : ''}`);
    // --timeout bounds each upload's job: one that runs past it fails (and counts), as a failed job does
    const timeout = new AbortController();
    if (jobOpts.timeoutMs !== undefined) timeoutTimer = setTimeout(() => timeout.abort('TIMEOUT'), jobOpts.timeoutMs);
    const both = AbortSignal.any([rt.signal, claim.lost, timeout.signal]);
    logs.run = `${new Date().toISOString().replace(/[:.]/g, '-')}-${jobId}`;
    const summary = await runJob(jobOpts, resume ? { kind: 'resume', jobId, changedSources: 'restart' } : { kind: 'new', raw: recordable(raw, opts), jobId }, { log: logs.log, signal: both, listeners: rt.listeners });
    await store.markDone(upload.name, { jobId, output: summary.output, frames: summary.frames, wallMs: summary.wallMs, attempts: summary.attempts.length });
    logs.log.info(`${upload.name}: done -> ${summary.output}`);
  } catch (e) {
    if (rt.signal.aborted) throw e; // stopping: the next claimant goes on
    if (claim.lost.aborted) {
      // no longer ours: this job stops, and whoever claims the upload next resumes it; the watcher goes on
      log.warn(`${upload.name}: its claim was lost (a renewal failed); the job stopped, left to its next claimant`);
      return;
    }
    const message = e instanceof StylerunError ? e.message.split('\n')[0]! : `internal error: ${(e as Error).message.split('\n')[0]}`;
    const before = await store.recordOf(upload.name);
    const next = afterFailure(before?.kind === 'failed' ? before.failures : 0, w.limits);
    if (next.park) {
      logs.log.warn(`${upload.name}: failed ${next.failures} times; parked (${message})`);
      await store.park(upload.name, { failures: next.failures, error: message, exitCode: (e as StylerunError).exitCode });
    } else {
      logs.log.warn(`${upload.name}: failed (${message}); it will be tried again`);
      await store.recordFailure(upload.name, next.failures, message);
    }
  } finally {
    clearTimeout(timeoutTimer);
    if (logs.run) await store.keepLogs(upload.name, logs.run, logs.dir).catch((e: Error) => log.warn(`${upload.name}: its logs were not kept: ${e.message.split('\n')[0]}`));
    rmSync(logs.dir, { recursive: true, force: true });
    await claim.release();
  }
}

/**
 * The job id of an upload's job: what the job is (input, output, model, codec), and which version of the upload
 * it styles (its size and its time of last write). A watcher that takes over a claim resumes the same job; an
 * upload replaced under the same name is a new job, where a resume mixed the old chunks with the new video's.
 */
export function uploadJobId(opts: Parameters<typeof engineJobId>[0], upload: Pick<Upload, 'bytes' | 'modifiedMs'>): string {
  return createHash('sha256').update(JSON.stringify([engineJobId(opts), upload.bytes, upload.modifiedMs])).digest('hex').slice(0, 8);
}

/** A folder for one run's logs, and a logger that writes to the watcher's stderr and to launcher.log there. */
function jobLogs(): { dir: string; log: Logger; run?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-watch-logs-'));
  const file = join(dir, 'launcher.log');
  const tee = createLogger('stylerun', (line) => {
    process.stderr.write(line);
    appendFileSync(file, line);
  });
  return { dir, log: tee };
}

// Duration and picture size need a look at the video itself: a probe through the input's relay.
async function probedRefusal(input: string, upload: Upload, limits: WatchLimits, log: Logger): Promise<string | undefined> {
  if (limits.maxSeconds === Infinity && limits.maxPixels === Infinity) return undefined;
  const opened = await openJobInput(input, log);
  try {
    const info = await probeInput(opened);
    const seconds = info.pts.length > 0 ? ((info.pts.at(-1)! - info.pts[0]!) * info.timeBase.num) / info.timeBase.den : 0;
    return refusal(upload, limits, { seconds, width: info.width, height: info.height });
  } catch {
    return undefined; // not a video: the job says so, and the failure counts
  } finally {
    await opened.close();
  }
}

/** The location string of blob `name` in `at`'s container, with its credential as the job options take it. */
function locationOf(at: BlobLocation, name: string): string {
  if (at.credential.kind === 'sas') return `${at.serviceUrl}/${at.container}/${name.split('/').map(encodeURIComponent).join('/')}?${at.credential.sas}`;
  return `az://${at.container}/${name}`;
}

/**
 * The styled video's name: the upload's below the source's prefix, with .mp4 added where its own extension is no
 * output's (clip.avi -> clip.avi.mp4: replacing the extension made clip.avi and clip.mp4 write one output).
 */
export function outputName(upload: string, sourcePrefix: string): string {
  const relative = sourcePrefix && upload.startsWith(sourcePrefix) ? upload.slice(sourcePrefix.length) : upload;
  return outputExtensions.includes(extname(relative).toLowerCase()) ? relative : `${relative}.mp4`;
}

/** `path` absolute, through the real path of its nearest existing folder (symlinks resolved as the source's are). */
function canonical(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(canonical(parent), basename(absolute));
}

/** A local output's folder is made as the upload's (a blob needs none). */
function mkdirOf(output: string): void {
  if (!isBlobLocation(output)) mkdirSync(dirname(output), { recursive: true });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    // the listener goes with the sleep: one left on the watcher's signal at every look piled up without end
    const onAbort = () => (clearTimeout(timer), resolve());
    const timer = setTimeout(() => (signal.removeEventListener('abort', onAbort), resolve()), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
