#!/usr/bin/env node
// `stylerun`: the command line. Parses, resolves options once, runs the job, prints the summary, and
// maps every error to its documented exit code with a single line.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { UsageError } from '../../common/errors/usage-error.js';
import { createLogger } from '../../common/log.js';
import { makeSampleClip } from './demo.js';
import { importMl5Command } from './import-ml5.js';
import type { JobListener } from '../job/events.js';
import { runJob } from '../job/job.js';
import { runForcedCleanups } from '../job/forced-exit.js';
import { canResume, readJobRecord } from '../job-store/job-record.js';
import { fetchBlobRecord, pullBlobJob } from '../job-store/blob-job-mirror.js';
import { isBlobLocation, parseBlobLocation, redactLocation } from '../../common/storage/blob-location.js';
import { emptyValueFlag, type ValueFlags } from './empty-values.js';
import { engineIdentity, runUnderEngine } from './engine-run.js';
import { recordable, resumedOptions, resolveOptions, workRoot, type RawOptions } from './options.js';
import { killAllGroups } from '../spawn/local.js';
import { runWatch } from '../watch/watch.js';
import { watchOptions } from './watch-options.js';
import { askCoordinator, coordinatorStatus, formatStatus, jobStatus } from './status.js';
import { readCoordinatorRecord } from '../job-store/coordinator-record.js';
import { reportCommand } from './report.js';
import { formatSummary } from './summary.js';
import { progressDisplay, progressMode } from './progress.js';
import { repeatedFlag } from './repeated-flags.js';
import { redactSecrets } from '../../common/redact-secrets.js';
import { quietOnnxruntime } from '../../common/onnxruntime-telemetry.js';

// before any onnxruntime session (the model check, every rank, which inherit it)
quietOnnxruntime();
const log = createLogger('stylerun');
log.setContext({ host: hostname() });

async function main(argv: string[]): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: 'SIGINT' | 'SIGTERM' | 'SIGHUP') => {
    if (++interrupts > 1) {
      killAllGroups();
      const hint = runForcedCleanups();
      process.stderr.write(redactSecrets(`stylerun: error: interrupted by ${sig} again: stopped at once${hint}\n`));
      process.exit(sig === 'SIGINT' ? ExitCode.interruptedSigint : sig === 'SIGHUP' ? ExitCode.interruptedSighup : ExitCode.interruptedSigterm);
    }
    log.warn(`${sig}: stopping the ranks (again to force)`);
    controller.abort(sig);
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  // the terminal or ssh session it ran in hung up: its ranks (in process groups of their own, which the hangup
  // does not reach) are stopped as for SIGTERM, the committed chunks kept, rather than the launcher dying at once
  process.on('SIGHUP', () => onSignal('SIGHUP'));
  process.on('exit', killAllGroups);

  let code: number = ExitCode.ok;
  const run = async (given: RawOptions, resume?: string) => {
    const defined = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as RawOptions;
    // --timeout bounds the whole job: stopped like a SIGTERM, it exits with its own code
    const armTimeout = (ms: number | undefined) => {
      if (ms === undefined) return;
      setTimeout(() => {
        log.warn(`--timeout: the job ran past ${ms / 1000} s; stopping the ranks`);
        controller.abort('TIMEOUT');
      }, ms).unref();
    };
    const engine = engineIdentity(process.env);
    if (engine && !resume) {
      if (typeof defined.timeout === 'number' && defined.timeout > 0) armTimeout(defined.timeout * 1000);
      const memberCode = await runUnderEngine(engine, defined, { log, signal: controller.signal, listeners: jobListeners() });
      if (memberCode !== undefined) code = memberCode;
      return;
    }
    // on --resume the job's recorded options apply, and flags given now override them
    // a Blob --work-dir's job is fetched into its local cache first, and then read as from a local folder
    if (resume && defined.workDir && isBlobLocation(defined.workDir)) {
      await pullBlobJob(parseBlobLocation(defined.workDir, '--work-dir'), resume, join(workRoot(defined), resume), log);
    }
    const record = resume ? readJobRecord(workRoot(defined), resume) : undefined;
    // a job whose coordinator answers is running: a second run of it would delete its staged chunks and
    // redo its frames (both would finish, having raced each other)
    const live = resume ? readCoordinatorRecord(join(workRoot(defined), resume)) : undefined;
    if (live && (await askCoordinator(live).then(() => true, () => false))) {
      throw new UsageError(`job ${resume} is running (launcher pid ${live.pid}, coordinator ${live.address}): wait for it, or stop it first; stylerun status ${resume} says how it is doing`);
    }
    if (record && !canResume(record, workRoot(defined))) {
      throw new UsageError(`job ${record.jobId} succeeded already (${record.output ?? record.options.output}) and its chunks are gone (--keep-work keeps them): nothing to resume`);
    }
    const raw = record ? resumedOptions(record.options, defined, record.jobId) : defined;
    const opts = resolveOptions(raw);
    armTimeout(opts.timeoutMs);
    await runJob(opts, resume ? { kind: 'resume', jobId: resume } : { kind: 'new', raw: recordable(raw, opts) }, { log, signal: controller.signal, listeners: jobListeners() });
  };
  const parser = yargs(argv)
    .scriptName('stylerun')
    .usage('$0 -n N [hostfile] --input in.mp4 --output out.mp4 [--model NAME|path.onnx]')
    .command('demo', 'make a sample clip with ffmpeg and style it (demo-input.mp4 -> demo-styled.mp4)', (y) =>
      y.option('n', { type: 'number', default: 2, describe: 'number of ranks' }).option('model', { type: 'string' }),
      async (a) => {
        const input = resolve('demo-input.mp4');
        const demo = { n: a.n, input, output: resolve('demo-styled.mp4'), model: a.model };
        resolveOptions(demo); // a bad -n or model is refused before the clip is written
        log.info(`making a sample clip: ${input}`);
        await makeSampleClip(input);
        await run(demo);
      })
    .command('models', 'convert models (import-ml5)', (y) =>
      y.command('import-ml5 <dir>', 'convert an ml5 fast-style checkpoint folder (manifest.json + Variable files) to an ONNX model', (c) =>
        c.positional('dir', { type: 'string', describe: 'the checkpoint folder' })
          .option('output', { alias: 'o', type: 'string', demandOption: true, describe: 'the .onnx file to write' }),
        (a) => {
          const output = resolve(a.output);
          const bytes = importMl5Command(resolve(a.dir!), output);
          process.stdout.write(`${output}: ${bytes} bytes\n`);
        })
        .demandCommand(1, 'name a models subcommand: import-ml5')
        .strictCommands())
    .command('report <job>', 'write a job\'s HTML report (summary and timeline) again from its job.json', (y) =>
      y.positional('job', { type: 'string', describe: 'the job id' })
        .option('output', { alias: 'o', type: 'string', describe: 'where to write it [report.html in the job folder]' }),
      async (a) => {
        const path = await reportCommand(a.job!, a['work-dir'] as string | undefined, a.output, log);
        process.stdout.write(`${path}\n`);
      })
    .command('status [job]', 'ask a running job how it is doing: its attempt, and each rank\'s state, heartbeat and frames', (y) =>
      y.positional('job', { type: 'string', describe: 'the job id [the only running job under --work-dir]' })
        .option('coordinator', { type: 'string', describe: 'ask the coordinator at HOST:PORT instead (the job token from the file STYLERUN_JOB_TOKEN_FILE names; its certificate pinned from STYLERUN_COORDINATOR_CERT)' })
        .option('json', { type: 'boolean', describe: 'the same, as JSON' }),
      async (a) => {
        if (a.coordinator && a.job) throw new UsageError('give either a job id or --coordinator, not both');
        const workDir = a['work-dir'] as string | undefined;
        // a Blob --work-dir's record is fetched first: the job may have run on another machine
        if (!a.coordinator && a.job && workDir && isBlobLocation(workDir) && /^[0-9a-f]{8}$/.test(a.job)) {
          if (!(await fetchBlobRecord(parseBlobLocation(workDir, '--work-dir'), a.job, join(workRoot({ workDir } as RawOptions), a.job), log))) {
            throw new UsageError(`no job ${a.job} in ${redactLocation(workDir)}`);
          }
        }
        const { reply, notRunning, record } = a.coordinator
          ? { reply: await coordinatorStatus(a.coordinator, process.env), notRunning: undefined, record: undefined }
          : await jobStatus(workRoot({ workDir } as RawOptions), a.job);
        if (a.json) process.stdout.write(`${JSON.stringify(reply ?? { not_running: notRunning, record })}\n`);
        else process.stdout.write(`${reply ? formatStatus(reply) : notRunning}\n`);
      })
    .command('watch <source>', 'turn each new upload in a Blob container or a directory into one styling job (the reference architecture\'s trigger)', (y) =>
      y.positional('source', { type: 'string', describe: 'where uploads arrive: a container (and prefix) as a URL with a SAS or az://CONTAINER[/PREFIX], or a directory' })
        .option('styled', { type: 'string', demandOption: true, describe: 'container (and prefix), or directory, for the styled videos, named as their uploads' })
        .option('ops', { type: 'string', describe: 'container (and prefix), or directory, for the watcher\'s records, claims and logs, apart from the uploaders [SOURCE/.stylerun]' })
        .option('pattern', { type: 'string', describe: 'which uploads to take, by the last part of their name [*.mp4]' })
        .option('interval', { type: 'number', describe: 'seconds between looks at the container [60]' })
        .option('max-failures', { type: 'number', describe: 'failures before an upload is parked with its error [3]' })
        .option('max-queued', { type: 'number', describe: 'uploads queued at once; the rest wait for a later look [100]' })
        .option('max-bytes', { type: 'number', describe: 'larger uploads are refused and parked [none]' })
        .option('max-seconds', { type: 'number', describe: 'longer videos are refused and parked [none]' })
        .option('max-pixels', { type: 'number', describe: 'videos with more pixels a frame are refused and parked [none]' })
        .option('claim-seconds', { type: 'number', describe: 'how long a watcher\'s claim on an upload lasts unless renewed, 15-60 [60]' })
        .option('once', { type: 'boolean', describe: 'one look, run what is queued, then exit' }),
      async (a) => {
        // flags of a single job that watch would otherwise ignore in silence
        if (a.input !== undefined || a.output !== undefined) throw new UsageError('watch takes its uploads from SOURCE and writes to --styled: --input and --output are for a single job');
        if (a.resume !== undefined) throw new UsageError('watch resumes a cut-short upload job by itself: --resume is for a single job');
        const { input: _input, output: _output, ...job } = jobOptionsFrom(a);
        await runWatch(watchOptions(a), Object.fromEntries(Object.entries(job).filter(([, v]) => v !== undefined)) as RawOptions, {
          log, signal: controller.signal, listeners: jobListeners(),
        });
      })
    .command('$0 [hostfile]', 'style every frame of a video over N ranks', (y) =>
      y.positional('hostfile', { type: 'string', describe: 'Open MPI (host slots=N) or MPICH (host:N) hostfile; also as --hostfile FILE' }),
      async (a) => {
        // one hostfile: two would need a rule for which one wins, and a word after it is a typo, not a job
        if (a.hostfile !== undefined && a['hostfile-flag'] !== undefined) throw new UsageError('give the hostfile once: as the argument or as --hostfile');
        if (a._.length > 0) throw new UsageError(`unexpected argument '${String(a._[0])}' (one hostfile at most; every other value goes with its flag)`);
        return run(jobOptionsFrom(a), a.resume as string | undefined);
      })
    // no yargs defaults: resolveOptions() holds them, and --resume must tell given flags from defaults
    .option('n', { alias: 'np', type: 'number', describe: 'number of ranks [1]' })
    .option('hostfile-flag', { type: 'string', hidden: true })
    .option('host', { alias: 'H', type: 'string', describe: 'hosts and slots as mpirun takes them, e.g. node1:2,node2:2 (instead of a hostfile)' })
    .option('x', { type: 'string', describe: 'VAR or VAR=value: export the variable to every rank (repeatable, as mpirun -x)' })
    .option('output-dir', { type: 'string', describe: 'also write each rank\'s whole stderr to DIR/rank.N.log (appended across attempts)' })
    .option('tls', { type: 'boolean', describe: 'TLS on the control plane with a per-job self-signed certificate the ranks pin [off: ranks on this machine use loopback]' })
    .option('tls-cert', { type: 'string', describe: 'your own coordinator certificate (PEM) for TLS, with --tls-key' })
    .option('tls-key', { type: 'string', describe: 'the private key (PEM) of --tls-cert' })
    .option('launch-agent', { type: 'string', describe: 'command that starts ranks on other hosts, given the host and the command [ssh -o BatchMode=yes -o ConnectTimeout=15]' })
    .option('coordinator-address', { type: 'string', describe: 'address ranks on other hosts reach this machine at [its hostname]' })
    .option('prefix', { type: 'string', describe: 'the stylerun install on other hosts (node from their PATH) [the same paths as here]' })
    .option('timeout', { type: 'number', describe: 'seconds the whole job may take; then every rank is stopped (exit code 9) [none]' })
    .option('map-by', { type: 'string', describe: 'slot: fill each host before the next | node: one rank per host in turn [slot]' })
    .option('input', { alias: 'i', type: 'string', describe: 'input video: a path, a Blob URL with a SAS, or az://CONTAINER/PATH' })
    .option('output', { alias: 'o', type: 'string', describe: 'output video (.mp4, .m4v, .mov, .mkv): a path or a Blob location' })
    .option('model', { alias: 'm', type: 'string', describe: 'bundled model name (matta, painterly-starry, painterly-wave) or path to an .onnx file [matta]' })
    .option('device', { type: 'string', describe: 'auto | cpu | webgpu | cuda [auto]' })
    .option('precision', { type: 'string', describe: 'fp32 | fp16: fp16 converts the model at load on CUDA and WebGPU; the CPU stays fp32 [fp32]' })
    .option('batch-size', { type: 'number', describe: 'frames per inference call [1]' })
    .option('barrier-timeout', { type: 'number', describe: 'seconds for all ranks to join and load the model [120]' })
    .option('heartbeat-interval', { type: 'number', describe: 'seconds between rank heartbeats [1]' })
    .option('heartbeat-timeout', { type: 'number', describe: 'seconds without a heartbeat before a rank counts as hung [10]' })
    .option('max-restarts', { type: 'number', describe: 'reruns of the styling step after a failure [3]' })
    .option('rerun', { type: 'string', describe: 'resume: keep committed chunks | whole: redo every frame [resume]' })
    .option('min-ranks', { type: 'number', describe: 'fewest ranks a rerun may shrink to, leaving out slots that keep failing [-n]' })
    .option('chunk-frames', { type: 'number', describe: 'frames per committed chunk [about 2 s of video with h264 chunks, 32 with ffv1]' })
    .option('chunk-codec', { type: 'string', describe: 'how ranks encode chunks: h264 (the output\'s own encoding; the gather copies) or ffv1 (lossless; the gather encodes) [h264]' })
    .option('gpus', { type: 'string', describe: 'GPU indices the ranks of each host may take, e.g. 0,1 [all]' })
    .option('ranks-per-gpu', { type: 'number', describe: 'consecutive local ranks sharing one GPU [1]' })
    .option('keep-frames', { type: 'string', describe: 'also write the styled frames as numbered PNGs into this folder' })
    .option('work-dir', { type: 'string', describe: 'where job folders go: a folder, or a Blob location (az://CONTAINER/PREFIX, a URL with a SAS) [./.stylerun/jobs]' })
    .option('keep-work', { type: 'boolean', describe: 'keep the chunks and journal after success (job.json and report.html are always kept)' })
    .option('resume', { type: 'string', describe: 'finish job JOB (its id) whose launcher was killed, redoing only uncommitted frames' })
    .option('quiet', { alias: 'q', type: 'boolean', describe: 'warnings and errors only (and the summary); ranks too' })
    .option('verbose', { alias: 'v', type: 'boolean', describe: 'debug lines too, from the launcher and every rank' })
    .middleware((a) => {
      // the level travels to every rank in its environment; STYLERUN_LOG_LEVEL given by hand says the same
      const repeated = repeatedFlag(a);
      if (repeated) throw new StylerunError('USAGE', ExitCode.usage, repeated);
      const empty = emptyValueFlag(args, (parser as unknown as { getOptions(): ValueFlags }).getOptions());
      if (empty) throw new StylerunError('USAGE', ExitCode.usage, empty);
      if (a.quiet && a.verbose) throw new StylerunError('USAGE', ExitCode.usage, '--quiet and --verbose go against each other: give one');
      if (a.quiet) process.env.STYLERUN_LOG_LEVEL = 'warn';
      if (a.verbose) process.env.STYLERUN_LOG_LEVEL = 'debug';
    }, true)
    .strictOptions()
    .help()
    .version()
    .fail((msg, err) => {
      throw err ?? new StylerunError('USAGE', ExitCode.usage, msg);
    });
  // --hostfile FILE is the same as the positional (each one: a second is refused as a repeated flag)
  const args = argv.map((arg) => (arg === '--hostfile' ? '--hostfile-flag' : arg.startsWith('--hostfile=') ? `--hostfile-flag=${arg.slice('--hostfile='.length)}` : arg));
  try {
    await parser.parseAsync(args);
  } catch (e) {
    code = report(e);
  }
  return code;
}

/** The job options as given on the command line (shared by a job and `watch`, which runs jobs). */
function jobOptionsFrom(a: Record<string, unknown>): RawOptions {
  return {
    n: a.n as number | undefined, rerun: a.rerun as string | undefined, minRanks: a['min-ranks'] as number | undefined, hostfile: (a.hostfile as string | undefined) ?? (a['hostfile-flag'] as string | undefined),
    input: a.input as string, output: a.output as string, model: a.model as string | undefined, device: a.device as string, precision: a.precision as string | undefined,
    batchSize: a['batch-size'] as number, barrierTimeout: a['barrier-timeout'] as number, heartbeatInterval: a['heartbeat-interval'] as number,
    heartbeatTimeout: a['heartbeat-timeout'] as number, maxRestarts: a['max-restarts'] as number, chunkFrames: a['chunk-frames'] as number, chunkCodec: a['chunk-codec'] as string | undefined,
    keepFrames: a['keep-frames'] as string | undefined, workDir: a['work-dir'] as string | undefined, keepWork: a['keep-work'] as boolean | undefined,
    gpus: a.gpus as string | undefined, ranksPerGpu: a['ranks-per-gpu'] as number | undefined,
    host: a.host as string | undefined, mapBy: a['map-by'] as string | undefined,
    export: a.x === undefined ? undefined : ([] as string[]).concat(a.x as string | string[]), timeout: a.timeout as number | undefined,
    outputDir: a['output-dir'] as string | undefined, tls: a.tls as boolean | undefined, tlsCert: a['tls-cert'] as string | undefined, tlsKey: a['tls-key'] as string | undefined,
    launchAgent: a['launch-agent'] as string | undefined, coordinatorAddress: a['coordinator-address'] as string | undefined, prefix: a.prefix as string | undefined,
  };
}

/** What the CLI shows of a job: its progress (bars, lines or nothing: launcher/cli/progress.ts), then its summary. */
function jobListeners(): JobListener[] {
  return [progressDisplay(progressMode(process.env, process.stderr.isTTY === true), log), summaryPrinter()];
}

function summaryPrinter(): JobListener {
  return (e) => {
    if (e.kind === 'done') process.stdout.write(`${formatSummary(e.summary)}\n`);
  };
}

function report(e: unknown): number {
  // a value that did not parse as a Blob location may still carry a SAS: never printed
  if (e instanceof StylerunError) {
    process.stderr.write(redactSecrets(`stylerun: error: ${e.message.split('\n')[0]}\n`));
    return e.exitCode;
  }
  const err = e as Error;
  process.stderr.write(redactSecrets(`stylerun: internal error: ${err?.message?.split('\n')[0]}\n`));
  if (process.env.STYLERUN_LOG_LEVEL === 'debug') process.stderr.write(redactSecrets(`${err?.stack}\n`));
  return ExitCode.internal;
}

main(hideBin(process.argv)).then((code) => {
  killAllGroups();
  process.exitCode = code;
  // the job is over: what still holds the event loop now (a timer, a channel) is a leak, said at debug level
  // and cut short, so that it costs at most 100 ms (test/e2e/exit.test.ts expects none)
  setTimeout(() => {
    log.debug(`exit forced: the event loop was still held by ${process.getActiveResourcesInfo().join(', ') || 'nothing listed'}`);
    process.exit(code);
  }, 100).unref();
});
