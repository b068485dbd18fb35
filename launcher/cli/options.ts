// User options, resolved once into a fully-defaulted object with units in the names.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';
import { packageRoot } from '../../common/paths.js';
import { describeBlob, isBlobLocation, parseBlobLocation, redactLocation, type BlobLocation } from '../../common/storage/blob-location.js';
import { deviceChoices, precisions, type DeviceChoice, type Precision } from '../../common/device.js';
import { parseGpuList } from '../../common/gpu-assignment.js';
import type { RerunMode } from '../coordinator/rerun-policy.js';
import { chunkCodecs, type ChunkCodec } from '../job/output-encoding.js';
import type { MapBy } from '../spawn/hostfile.js';
import { defaultLaunchAgent } from '../spawn/ssh.js';

/** The built-in style used when --model is not given: the trained ml5 "matta" network (seconds a frame on a CPU). */
export const defaultModel = 'matta';

/** What a job runs with, every field decided. */
export interface JobOptions {
  ranks: number;
  hostfile?: string;
  /** mpirun's --host list ("h1:2,h2"), where no hostfile is given. */
  hosts?: string;
  /** How ranks fill the hosts' slots. */
  mapBy: MapBy;
  input: string;
  output: string;
  /** Absolute path of the .onnx file. */
  modelPath: string;
  device: DeviceChoice;
  batchSize: number;
  /** fp16 converts the model at load on providers with fp16 kernels (rank/precision.ts). */
  precision: Precision;
  barrierTimeoutMs: number;
  heartbeatIntervalMs: number;
  heartbeatTimeoutMs: number;
  stopGraceMs: number;
  maxRestarts: number;
  /** Frames per chunk; undefined: chosen from the source's frame rate (defaultChunkFrames). */
  chunkFrames?: number;
  chunkCodec: ChunkCodec;
  keepFrames?: string;
  /** Where job folders go on this machine: --work-dir, or (a Blob --work-dir) the local cache of its jobs. */
  workRoot: string;
  /** A Blob --work-dir: job records, journals and chunks live there (workRoot caches them). */
  workStore?: BlobLocation;
  /** --work-dir as it may be shown: a blob URL without its SAS; the path otherwise. */
  workName: string;
  keepWork: boolean;
  intraOpThreads: number;
  rerun: RerunMode;
  /** Fewest ranks an attempt may shrink to when slots keep failing. */
  minRanks: number;
  /** GPU indices ranks may take (each host's own, when not given). */
  gpus?: number[];
  /** Consecutive local ranks that share one GPU. */
  ranksPerGpu: number;
  /** The engine that started every process (e.g. "mpirun"), when one did: it, not stylerun, reruns the job. */
  engine?: string;
  /** Variables given to every rank (mpirun's -x). */
  exportEnv: Record<string, string>;
  /** The whole job's time limit (mpirun's --timeout); undefined: none. */
  timeoutMs?: number;
  /** Where each rank's stderr also goes, as rank.N.log; undefined: nowhere. */
  outputDir?: string;
  /** TLS on the control plane: a per-job certificate ('self-signed'), the user's own, or none (loopback only). */
  tls: { kind: 'none' } | { kind: 'self-signed' } | { kind: 'given'; certPath: string; keyPath: string };
  /** How ranks on other hosts start: this command, then the host, then the remote command (mpirun's rsh agent). */
  launchAgent: string;
  /** Where the ranks on other hosts reach the coordinator; undefined: this machine's hostname. */
  coordinatorAddress?: string;
  /** The stylerun install on other hosts (node from their PATH); undefined: the same paths as here. */
  prefix?: string;
}

/** Raw options as the CLI parsed them. */
export interface RawOptions {
  n?: number;
  hostfile?: string;
  host?: string;
  mapBy?: string;
  /** -x VAR or -x VAR=value, as given. */
  export?: string[];
  timeout?: number;
  outputDir?: string;
  tls?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  launchAgent?: string;
  coordinatorAddress?: string;
  prefix?: string;
  input?: string;
  output?: string;
  model?: string;
  device?: string;
  batchSize?: number;
  precision?: string;
  barrierTimeout?: number;
  heartbeatInterval?: number;
  heartbeatTimeout?: number;
  maxRestarts?: number;
  chunkFrames?: number;
  chunkCodec?: string;
  keepFrames?: string;
  workDir?: string;
  keepWork?: boolean;
  rerun?: string;
  minRanks?: number;
  gpus?: string;
  ranksPerGpu?: number;
}

// Committed models (the procedural styles) are in models/; the build makes models/ml5-NAME/ checkpoints into
// dist/models/NAME.onnx (scripts/build-ml5-styles.mjs).
function bundledModelFolders(): string[] {
  const root = packageRoot();
  return [join(root, 'models'), join(root, 'dist', 'models')];
}

/** The bundled model names: models/*.onnx and the styles the build made into dist/models/. */
export function bundledModels(): string[] {
  const names = bundledModelFolders()
    .filter((dir) => existsSync(dir))
    .flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.onnx')).map((f) => f.slice(0, -5)));
  return [...new Set(names)].sort();
}

/** A bundled model name, or a path to an .onnx file. Existence of a path is checked with the model. */
export function resolveModel(value: string | undefined): string {
  const v = value ?? defaultModel;
  // anything that looks like a file is a file (and gets the model checks), not a bundled name
  if (v.endsWith('.onnx') || v.includes('/') || v.includes('.') || existsSync(v)) return resolve(v);
  const bundled = bundledModelFolders().map((dir) => join(dir, `${v}.onnx`)).find((path) => existsSync(path));
  if (bundled) return bundled;
  if (existsSync(join(packageRoot(), 'models', `ml5-${v}`))) {
    throw new UsageError(`built-in style "${v}" is not built yet (no dist/models/${v}.onnx); run \`npm run build\` or use --model painterly-starry`);
  }
  throw new UsageError(`unknown model "${v}": give a path to an .onnx file or one of ${bundledModels().join(', ')}`);
}

/** Variables stylerun sets for each rank itself: -x must not move a rank's identity or its token. */
const reservedVariables = new Set([
  'STYLERUN_RANK', 'STYLERUN_WORLD_SIZE', 'STYLERUN_LOCAL_RANK', 'STYLERUN_LOCAL_WORLD_SIZE', 'STYLERUN_COORDINATOR',
  'STYLERUN_ATTEMPT', 'STYLERUN_JOB_TOKEN_FD', 'STYLERUN_JOB_TOKEN_FILE', 'STYLERUN_PARENT_PID', 'STYLERUN_BOOTSTRAP',
]);

/** Variables each rank gets from the launcher's own options, which would silently win over -x. */
const variablesOfFlags: Readonly<Record<string, string>> = {
  STYLERUN_DEVICE: '--device', STYLERUN_GPUS: '--gpus', STYLERUN_RANKS_PER_GPU: '--ranks-per-gpu',
  STYLERUN_LOG_LEVEL: '--quiet, --verbose or STYLERUN_LOG_LEVEL here', STYLERUN_LOG_FORMAT: 'STYLERUN_LOG_FORMAT here',
};

/** mpirun's -x: `VAR=value` as given, `VAR` with this environment's value. */
export function exportedVariables(specs: readonly string[], env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const name = eq === -1 ? spec : spec.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`-x ${name}: not a variable name`);
    if (reservedVariables.has(name)) throw new UsageError(`-x ${name}: stylerun sets ${name} for each rank itself`);
    const flag = variablesOfFlags[name];
    if (flag) throw new UsageError(`-x ${name}: stylerun sets ${name} for each rank from ${flag}; use that instead`);
    const value = eq === -1 ? env[name] : spec.slice(eq + 1);
    if (value === undefined) throw new UsageError(`-x ${name}: ${name} is not set here (give -x ${name}=value)`);
    out[name] = value;
  }
  return out;
}

function tlsChoice(raw: RawOptions): JobOptions['tls'] {
  if (!!raw.tlsCert !== !!raw.tlsKey) throw new UsageError('--tls-cert and --tls-key go together: the certificate and its private key (PEM files)');
  if (raw.tlsCert && raw.tlsKey) return { kind: 'given', certPath: resolve(raw.tlsCert), keyPath: resolve(raw.tlsKey) };
  return raw.tls ? { kind: 'self-signed' } : { kind: 'none' };
}

function mapBy(v: string | undefined): MapBy {
  const m = (v ?? 'slot') as MapBy;
  if (m !== 'slot' && m !== 'node') throw new UsageError(`--map-by must be slot or node, got ${v}`);
  return m;
}

function chunkCodec(v: string | undefined): ChunkCodec {
  const c = (v ?? 'h264') as ChunkCodec;
  if (!chunkCodecs.includes(c)) throw new UsageError(`--chunk-codec must be one of ${chunkCodecs.join(', ')}, got ${v}`);
  return c;
}

function positiveInt(name: string, v: number | undefined, fallback: number): number {
  const n = v ?? fallback;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer${got(v)}`);
  return n;
}

/** The longest time a Node timer holds (2^31 - 1 ms); a longer one fires at once. */
export const maxTimerMs = 2 ** 31 - 1;

/** ", got V" for a message about a number flag; yargs has made a word NaN, which would only confuse. */
function got(v: number | undefined): string {
  return Number.isNaN(v) ? ' (the value given is not a number)' : `, got ${v}`;
}

function seconds(name: string, v: number | undefined, fallbackS: number): number {
  const s = v ?? fallbackS;
  if (!Number.isFinite(s) || s <= 0) throw new UsageError(`${name} must be a positive number of seconds${got(v)}`);
  // Node's timers hold at most 2^31 - 1 ms: a longer one fires at once (with a warning on stderr)
  if (s * 1000 > maxTimerMs) throw new UsageError(`${name} must be at most ${Math.floor(maxTimerMs / 1000)} s (about 24 days), got ${v}`);
  return Math.round(s * 1000);
}

/** Checks and defaults everything; throws UsageError with one line for the first bad option. */
export function resolveOptions(raw: RawOptions, localRanks = raw.n ?? 1): JobOptions {
  if (!raw.input) throw new UsageError('--input is required');
  if (!raw.output) throw new UsageError('--output is required');
  const ranks = positiveInt('-n', raw.n, 1);
  const device = (raw.device ?? 'auto') as DeviceChoice;
  if (!deviceChoices.includes(device)) throw new UsageError(`--device must be one of ${deviceChoices.join(', ')}, got ${raw.device}`);
  const heartbeatIntervalMs = seconds('--heartbeat-interval', raw.heartbeatInterval, 1);
  const heartbeatTimeoutMs = seconds('--heartbeat-timeout', raw.heartbeatTimeout, 10);
  // a timeout no longer than the interval would count every healthy rank as hung between two heartbeats
  if (heartbeatTimeoutMs <= heartbeatIntervalMs) {
    throw new UsageError(
      `--heartbeat-timeout (${heartbeatTimeoutMs / 1000} s) must be greater than --heartbeat-interval (${heartbeatIntervalMs / 1000} s)`,
    );
  }
  if (raw.hostfile !== undefined && raw.host !== undefined) throw new UsageError('give either a hostfile or --host, not both');
  // given but empty (--host "$HOSTS" with HOSTS unset): mpirun refuses it, rather than run everything here
  if (raw.hostfile?.trim() === '') throw new UsageError('the hostfile is an empty name: give the path of a hostfile');
  if (raw.host?.trim() === '') throw new UsageError('--host names no host (expected e.g. --host node1:2,node2:2)');
  const maxRestarts = raw.maxRestarts ?? 3;
  if (!Number.isInteger(maxRestarts) || maxRestarts < 0) throw new UsageError(`--max-restarts must be 0 or more${got(raw.maxRestarts)}`);
  const rerun = (raw.rerun ?? 'resume') as RerunMode;
  if (rerun !== 'resume' && rerun !== 'whole') throw new UsageError(`--rerun must be resume or whole, got ${raw.rerun}`);
  const minRanks = positiveInt('--min-ranks', raw.minRanks, ranks);
  if (minRanks > ranks) throw new UsageError(`--min-ranks ${minRanks} is more than -n ${ranks}`);
  return {
    ranks,
    rerun,
    minRanks,
    hostfile: raw.hostfile,
    hosts: raw.host,
    mapBy: mapBy(raw.mapBy),
    exportEnv: exportedVariables(raw.export ?? [], process.env),
    timeoutMs: raw.timeout === undefined ? undefined : seconds('--timeout', raw.timeout, 0),
    outputDir: raw.outputDir ? resolve(raw.outputDir) : undefined,
    tls: tlsChoice(raw),
    launchAgent: raw.launchAgent ?? defaultLaunchAgent,
    coordinatorAddress: raw.coordinatorAddress,
    prefix: raw.prefix,
    input: isBlobLocation(raw.input) ? raw.input : resolve(raw.input),
    output: isBlobLocation(raw.output) ? raw.output : resolve(raw.output),
    modelPath: resolveModel(raw.model),
    device,
    batchSize: positiveInt('--batch-size', raw.batchSize, 1),
    precision: precision(raw.precision),
    barrierTimeoutMs: seconds('--barrier-timeout', raw.barrierTimeout, 120),
    heartbeatIntervalMs,
    heartbeatTimeoutMs,
    stopGraceMs: 3000,
    maxRestarts,
    chunkFrames: raw.chunkFrames === undefined ? undefined : positiveInt('--chunk-frames', raw.chunkFrames, 1),
    chunkCodec: chunkCodec(raw.chunkCodec),
    keepFrames: raw.keepFrames ? resolve(raw.keepFrames) : undefined,
    workRoot: workRoot(raw),
    workStore: raw.workDir && isBlobLocation(raw.workDir) ? parseBlobLocation(raw.workDir, '--work-dir') : undefined,
    workName: raw.workDir && isBlobLocation(raw.workDir) ? redactLocation(raw.workDir) : workRoot(raw),
    keepWork: raw.keepWork ?? false,
    // N local ranks share the cores: one onnxruntime thread pool each must not oversubscribe them
    intraOpThreads: Math.max(1, Math.floor(cpus().length / Math.max(1, localRanks))),
    gpus: gpuList(raw.gpus),
    ranksPerGpu: positiveInt('--ranks-per-gpu', raw.ranksPerGpu, 1),
  };
}


function precision(raw: string | undefined): Precision {
  const value = raw ?? 'fp32';
  if (!precisions.includes(value as Precision)) throw new UsageError(`--precision must be one of ${precisions.join(', ')}, got ${raw}`);
  return value as Precision;
}

/** Where job folders go on this machine; for a Blob --work-dir, the local cache of its jobs (one per location). */
export function workRoot(raw: RawOptions): string {
  if (raw.workDir && isBlobLocation(raw.workDir)) {
    const name = describeBlob(parseBlobLocation(raw.workDir, '--work-dir'));
    return resolve('.stylerun', 'blob-work', createHash('sha256').update(name).digest('hex').slice(0, 16));
  }
  return raw.workDir ? resolve(raw.workDir) : resolve('.stylerun', 'jobs');
}

/** The raw options with every path absolute, as job.json keeps them for a resume from anywhere. */
export function recordable(raw: RawOptions, opts: JobOptions): RawOptions {
  return {
    // a SAS is a secret and job.json is no place for it: a resume of a SAS URL job takes --input/--output again
    ...raw, input: redactLocation(opts.input), output: redactLocation(opts.output), model: opts.modelPath, hostfile: opts.hostfile && resolve(opts.hostfile), keepFrames: opts.keepFrames,
    workDir: opts.workStore ? opts.workName : opts.workRoot, chunkCodec: opts.chunkCodec, outputDir: opts.outputDir,
  };
}

/**
 * The options a resumed job runs with: its recorded ones, overridden by flags given now. Its committed
 * chunks fix the chunk codec: a record from before --chunk-codec has FFV1 chunks, and another codec now
 * would leave chunks the gather cannot join.
 */
export function resumedOptions(recorded: RawOptions, given: RawOptions, jobId: string): RawOptions {
  const chunkCodec = recorded.chunkCodec ?? 'ffv1';
  if (given.chunkCodec !== undefined && given.chunkCodec !== chunkCodec) {
    throw new UsageError(`job ${jobId} has ${chunkCodec} chunks; it cannot resume with --chunk-codec ${given.chunkCodec}`);
  }
  // --timeout bounded the run it was given to, not the job: the resume its message prints would stop at the
  // same point again. A resume runs unbounded unless given one of its own.
  const { timeout: _ranOutOf, ...kept } = recorded;
  return { ...kept, ...given, chunkCodec };
}

function gpuList(text: string | undefined): number[] | undefined {
  try {
    return parseGpuList(text);
  } catch (e) {
    throw new UsageError(`--gpus: ${(e as Error).message}`);
  }
}
