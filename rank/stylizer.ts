// One loaded style model on one execution provider: frames in, styled frames out, in batches.
import ort from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
import { inspectModelBytes, loadModelChecked, type CheckedModel, type ModelShape } from '../models/contract.js';
import { readModelMetadata } from '../models/model-metadata.js';
import { batchFor, machineFacts, precisionOn, providerCandidates, type DeviceChoice, type Precision } from '../common/device.js';
import { toFloat16 } from '../models/onnx/float16.js';
import { frameBytes, type FrameFormat, type YuvMatrix } from '../models/onnx/frame-format.js';
import type { Logger } from '../common/log.js';
import { ProviderError } from './provider-error.js';
import type { FramePath } from './frame-path.js';
import { InGraphPath } from './in-graph-path.js';
import { JsPath } from './js-path.js';
import { SideSessionPath } from './side-session-path.js';

/** What a Stylizer needs to load. */
export interface StylizerOptions {
  modelPath: string;
  device: DeviceChoice;
  intraOpThreads: number;
  batchSize: number;
  width: number;
  height: number;
  /** fp16 converts the model at load where the provider has fp16 kernels (common/device.ts precisionOn). */
  precision?: Precision;
  /** The GPU this rank takes (common/gpu-assignment.ts); CUDA runs on it. */
  gpu?: number;
  /**
   * yuv420p where the job's chunks allow it (Welcome.frame_format): the paths that convert inside onnxruntime
   * then take yuv420p frames, the JavaScript path rgb24. Not given: rgb24.
   */
  frameFormat?: FrameFormat;
  /** The source's Y'CbCr matrix (Welcome.yuv_matrix), with which the converting paths read and write yuv420p. BT.601 when not given. */
  yuvMatrix?: YuvMatrix;
}

/** The frame format the converting paths take: the job's, unless STYLERUN_FRAME_FORMAT=rgb24 asks otherwise (for measurements). */
function offeredFormat(opts: StylizerOptions): FrameFormat {
  return process.env.STYLERUN_FRAME_FORMAT === 'rgb24' ? 'rgb24' : (opts.frameFormat ?? 'rgb24');
}

function providerOption(name: string, gpu?: number): ort.InferenceSession.ExecutionProviderConfig {
  // NHWC was the fastest layout for the WebGPU provider on an H100 (../shared/gpu/README.md)
  if (name === 'webgpu') return { name: 'webgpu', preferredLayout: 'NHWC' } as ort.InferenceSession.ExecutionProviderConfig;
  if (name === 'cuda' && gpu !== undefined) return { name: 'cuda', deviceId: gpu };
  return name;
}

/** A loaded style model as the rank uses it: here (Stylizer) or on a thread of its own (InferenceThread). */
export interface StyleModel {
  readonly executionProvider: string;
  readonly batchSize: number;
  readonly precision: Precision;
  /** A one-line note on how frames meet the model. */
  readonly note: string;
  /** The raw frames run takes and gives: what the rank's ffmpeg processes must write and read. */
  readonly frameFormat: FrameFormat;
  /**
   * Styles up to batchSize frames (frameFormat, width x height); returns them in the same order. `spent`, once
   * the model is done with an input frame, is handed that frame's buffer (or, where the frame moved to another
   * thread, the buffer it came back in) for the caller to fill again; the styled frames never share its bytes.
   */
  run(frames: readonly Buffer[], spent?: (frame: Buffer) => void): Promise<Buffer[]>;
  release(): Promise<void>;
}

/** A style model ready to run. */
export class Stylizer implements StyleModel {
  private constructor(
    /** The unwrapped model's session, when the path runs it (the in-graph path has a session of its own). */
    private readonly model: ort.InferenceSession | undefined,
    private readonly path: FramePath,
    private readonly shape: ModelShape,
    readonly executionProvider: string,
    readonly batchSize: number,
    /** What the model runs in: fp16 only when asked for, on a provider with fp16 kernels, and the conversion loaded. */
    readonly precision: Precision,
  ) {}

  /** Loads the model on the best provider `device` allows, checks the contract and warms it up. */
  static async load(opts: StylizerOptions, log: Logger): Promise<Stylizer> {
    const candidates = providerCandidates(opts.device, machineFacts());
    let lastError: unknown;
    for (const provider of candidates) {
      const sessionOptions: ort.InferenceSession.SessionOptions = {
        executionProviders: [providerOption(provider, opts.gpu)],
        intraOpNumThreads: opts.intraOpThreads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      };
      const inGraph = await loadInGraphOnly(opts, provider, sessionOptions, log);
      if (inGraph.kind === 'loaded') return inGraph.stylizer;
      const tried = inGraph.kind === 'failed' ? inGraph : undefined;
      let checked: CheckedModel;
      try {
        checked = await loadModelChecked(opts.modelPath, sessionOptions);
      } catch (e) {
        // The launcher checked the model on the CPU before any rank started, so a failure on another
        // provider is the provider's (no adapter, no driver), not the model's.
        if (provider === 'cpu') throw e;
        lastError = e;
        if (candidates.length > 1) log.debug(`provider ${provider} unavailable`, { reason: (e as Error).message.split('\n')[0] });
        continue;
      }
      const { shape } = checked;
      const { precision, session, model } = await withPrecision(checked, opts, provider, sessionOptions, log, tried);
      const batch = batchOf(shape, precision, opts, log);
      const makers = framePaths({ session, shape }, model, opts, sessionOptions, provider);
      // the in-graph path failed on these very bytes already: say why, once, and do not load it again
      const skip = tried?.precision === precision && makers[0]?.[0] === 'in-graph' && makers.length > 1;
      if (skip) sayUnavailable(log, 'in-graph', makers[1]![0], tried.reason);
      const path = await firstWorkingPath(skip ? makers.slice(1) : makers, opts, log);
      const runsModel = !(path instanceof InGraphPath);
      if (!runsModel) await session.release();
      return new Stylizer(runsModel ? session : undefined, path, shape, provider, batch, precision);
    }
    throw new ProviderError(candidates, lastError);
  }

  /** A model whose frames are converted inside its graph, with no session of the model as given. */
  static inGraph(path: InGraphPath, shape: ModelShape, provider: string, batchSize: number, precision: Precision): Stylizer {
    return new Stylizer(undefined, path, shape, provider, batchSize, precision);
  }

  /** A one-line note on how frames meet the model, e.g. that a fixed-size model gets resized frames. */
  get note(): string {
    const shape =
      this.shape.kind === 'fixed'
        ? `fixed ${this.shape.width}x${this.shape.height} input: frames are resized in and out`
        : this.shape.multiple > 1
          ? `dynamic input, padded to a multiple of ${this.shape.multiple}`
          : 'dynamic input at native size';
    return `${shape}; ${this.path.note}`;
  }

  get frameFormat(): FrameFormat {
    return this.path.format;
  }

  /** Styles up to batchSize frames (frameFormat, width x height); returns them in the same order (see StyleModel). */
  async run(frames: readonly Buffer[], spent?: (frame: Buffer) => void): Promise<Buffer[]> {
    // every path's output is onnxruntime's or its own, never a view of the input
    const styled = await this.path.run(frames);
    if (spent) for (const f of frames) spent(f);
    return styled;
  }

  async release(): Promise<void> {
    await this.path.release();
    await this.model?.release();
  }
}

/** Frames per run: a fixed batch where the model has one, else what was asked where the precision allows it. */
function batchOf(shape: ModelShape, precision: Precision, opts: StylizerOptions, log: Logger): number {
  const fixedBatch = shape.kind === 'fixed' && shape.batch !== 'dynamic' ? shape.batch : undefined;
  const asked = batchFor(precision, opts.batchSize);
  if (asked.reason && fixedBatch === undefined) log.warn(`--batch-size ${opts.batchSize} not applied: ${asked.reason}`);
  return fixedBatch ?? asked.batch;
}

/**
 * How the in-graph-only load went: a Stylizer; not tried (it cannot be told from the bytes, or the path is not
 * the first on this provider); or tried on these bytes (in this precision) and failed, for this reason.
 */
type InGraphOnly =
  | { kind: 'loaded'; stylizer: Stylizer }
  | { kind: 'not-tried' }
  | { kind: 'failed'; precision: Precision; model: Uint8Array; reason: string };

/**
 * Where frames will be converted inside the graph (the first path on this provider, a model of dynamic size), the
 * model as given needs no session of its own: the contract is read from its bytes (the launcher checked it on the
 * CPU with a session) and only the wrapped model is loaded, once. For matta that is one session creation less a
 * rank (about 15-25 ms of CPU, and the weights loaded once on the device). Wherever that cannot be told or does
 * not work (a fixed size, an fp16 conversion or a wrap that fails, a provider that is missing), the rank then
 * loads as before; a wrapped model that failed is not loaded again (see Stylizer.load).
 */
async function loadInGraphOnly(opts: StylizerOptions, provider: string, sessionOptions: ort.InferenceSession.SessionOptions, log: Logger): Promise<InGraphOnly> {
  const notTried = { kind: 'not-tried' } as const;
  if (firstFramePath(provider) !== 'in-graph') return notTried;
  let bytes: Uint8Array;
  let shape: ModelShape | undefined;
  try {
    bytes = readFileSync(opts.modelPath);
    shape = inspectModelBytes(bytes, { modelPath: opts.modelPath, metadata: readModelMetadata(bytes) });
  } catch {
    return notTried;
  }
  if (shape?.kind !== 'dynamic') return notTried;
  const { precision, reason } = precisionOn(opts.precision ?? 'fp32', provider);
  let model = bytes;
  if (precision === 'fp16') {
    const half = toFloat16(bytes);
    if (!half.ok) return notTried;
    model = half.model;
  }
  let path: InGraphPath | undefined;
  try {
    path = await InGraphPath.create(model, { ...shape, width: opts.width, height: opts.height, format: offeredFormat(opts), matrix: opts.yuvMatrix }, sessionOptions);
    await warmUp(path, opts);
  } catch (e) {
    await path?.release();
    return { kind: 'failed', precision, model, reason: (e as Error).message.split('\n')[0]! };
  }
  if (reason) log.warn(`--precision fp16 not applied: ${reason}`);
  return { kind: 'loaded', stylizer: Stylizer.inGraph(path, shape, provider, batchOf(shape, precision, opts, log), precision) };
}

/** The model a rank runs: its precision, its session (unwrapped) and its bytes, which the in-graph path wraps. */
interface RankModel {
  precision: Precision;
  session: ort.InferenceSession;
  model: Uint8Array;
}

// The contract was checked on the fp32 session; an fp16 one takes its place where it applies and loads. A
// conversion that fails (an op it refuses, a provider that rejects the result) leaves the rank on fp32, with
// the reason in the log: the job still runs, a little slower. The model is converted once: the in-graph path
// wraps the converted bytes (converting in JavaScript takes about 0.3 s for matta), and the bytes an
// in-graph-only load already converted (`tried`) are taken as they are.
async function withPrecision(
  { session, bytes: model }: CheckedModel,
  opts: StylizerOptions,
  provider: string,
  sessionOptions: ort.InferenceSession.SessionOptions,
  log: Logger,
  tried?: { precision: Precision; model: Uint8Array },
): Promise<RankModel> {
  const { precision, reason } = precisionOn(opts.precision ?? 'fp32', provider);
  if (reason) log.warn(`--precision fp16 not applied: ${reason}`);
  if (precision === 'fp32') return { precision: 'fp32', session, model };
  const half = tried?.precision === 'fp16' ? { ok: true as const, model: tried.model } : toFloat16(model);
  try {
    if (!half.ok) throw new Error(half.reason);
    const halfSession = await ort.InferenceSession.create(half.model, sessionOptions);
    await session.release();
    return { precision: 'fp16', session: halfSession, model: half.model };
  } catch (e) {
    log.warn('--precision fp16 not applied, the model runs in fp32', { reason: (e as Error).message.split('\n')[0] });
    return { precision: 'fp32', session, model };
  }
}

type PathMaker = readonly [name: string, make: () => Promise<FramePath>];

// STYLERUN_FRAME_PATH=in-graph|side-session|javascript starts the search at that path (for measurements).
// On WebGPU the uint8 conversion nodes cost more than they save (823 frames of 720x720, -n 4, H100: the
// data plane alone 17.4 s in-graph, 20.4 s side session, 14.8 s JavaScript), so WebGPU starts at JavaScript.
/** The frame path the search on `provider` starts at. */
function firstFramePath(provider: string): string {
  return process.env.STYLERUN_FRAME_PATH ?? (provider === 'webgpu' ? 'javascript' : 'in-graph');
}

// Fastest first. Fixed-size models need a resize in and out, which only the JavaScript path does.
function framePaths(
  { session, shape }: Pick<CheckedModel, 'session' | 'shape'>,
  model: Uint8Array,
  opts: StylizerOptions,
  sessionOptions: ort.InferenceSession.SessionOptions,
  provider: string,
): PathMaker[] {
  const { width, height } = opts;
  const js: PathMaker = ['javascript', async () => new JsPath(session, shape, width, height)];
  if (shape.kind === 'fixed') return [js];
  const format = offeredFormat(opts);
  const all: PathMaker[] = [
    ['in-graph', () => InGraphPath.create(model, { ...shape, width, height, format, matrix: opts.yuvMatrix }, sessionOptions)],
    ['side-session', () => SideSessionPath.create(session, shape, width, height, opts.intraOpThreads, format, opts.yuvMatrix)],
    js,
  ];
  const wanted = firstFramePath(provider);
  const first = all.findIndex(([name]) => name === wanted);
  return first > 0 ? all.slice(first) : all;
}

/** Styles a blank frame, which must come back at its size: the warm-up, and the proof that the path works. */
async function warmUp(path: FramePath, opts: StylizerOptions): Promise<void> {
  const blank = Buffer.alloc(frameBytes(path.format, opts.width, opts.height));
  const [out] = await path.run([blank]);
  if (out?.length !== blank.length) throw new Error(`a warm-up frame came back ${out?.length} bytes, not ${blank.length}`);
}

/** The log line of a frame path that failed to load or to warm up, and the one tried next. */
function sayUnavailable(log: Logger, name: string, next: string, reason: string): void {
  log.info(`frame path ${name} unavailable, trying ${next}`, { reason });
}

// A path counts once it has styled a blank frame to the right size; the JavaScript path always can.
async function firstWorkingPath(makers: readonly PathMaker[], opts: StylizerOptions, log: Logger): Promise<FramePath> {
  for (const [i, [name, make]] of makers.entries()) {
    let path: FramePath | undefined;
    try {
      path = await make();
      await warmUp(path, opts);
      return path;
    } catch (e) {
      await path?.release();
      if (i === makers.length - 1) throw e;
      sayUnavailable(log, name, makers[i + 1]![0], (e as Error).message.split('\n')[0]!);
    }
  }
  throw new Error('no frame path');
}
