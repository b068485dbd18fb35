#!/usr/bin/env node
// The rank process: join the coordinator, load the model, wait at the barrier, do the assigned frames,
// report, exit. It dies with its launcher: a broken stream or a vanished parent ends it.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { combinedChecksum } from '../common/checksums.js';
import { askFfmpegEarly } from '../common/ffmpeg/features.js';
import { startupOver } from '../common/code-cache.js';
import { machineFacts, providerCandidates, type DeviceChoice } from '../common/device.js';
import { gpuForRank, nvidiaGpuIndices, parseGpuList } from '../common/gpu-assignment.js';
import { identityFromEnv } from '../common/identity.js';
import { startHttpRelay } from '../common/http-relay.js';
import { coordinatorCertVariable } from '../common/tls.js';
import { readJobToken } from '../common/job-token.js';
import { readBootstrap, type RankBootstrap } from '../common/rank-bootstrap.js';
import { createLogger } from '../common/log.js';
import { quietOnnxruntime } from '../common/onnxruntime-telemetry.js';
import { openChunkStore } from '../common/storage/open-store.js';
import type { CoordinatorMessage__Output } from '../proto/generated/stylerun/v1/CoordinatorMessage.js';
import type { Welcome__Output } from '../proto/generated/stylerun/v1/Welcome.js';
import { CancelledError } from './cancelled-error.js';
import { beforeReady, dueFault, fire, parseFaults } from './fault.js';
import { ChunkUpload } from './chunk-upload.js';
import { downloadServed } from './model-download.js';
import { coordinatorClient } from '../common/coordinator-client.js';
import { CoordinatorLink } from './link.js';
import { InferenceThread, wantsInferenceThread } from './inference-thread.js';
import { Stylizer, type StyleModel, type StylizerOptions } from './stylizer.js';
import { runAssignment, type Cancellable } from './worker.js';
import { yuvMatrices } from '../models/onnx/frame-format.js';

const env = process.env;
// On a GPU machine the model will run on a thread of its own (rank/inference-thread.ts): that thread starts now
// and loads its code while this process waits for its job (a rank started ahead blocks on its stdin below).
// A job on the CPU provider closes it unused.
const earlyThread = wantsInferenceThread(providerCandidates('auto', machineFacts()), env) ? InferenceThread.start() : undefined;
// a rank started over ssh gets its environment and token on stdin (common/rank-bootstrap.ts)
const boot = bootstrap();
// a rank started over ssh has not the launcher's environment; this one's own, before its first session
quietOnnxruntime(env);
const identity = identityFromEnv(env);
if (!identity?.coordinator) {
  process.stderr.write('stylerun rank: no rank identity or coordinator address in the environment (STYLERUN_RANK, STYLERUN_COORDINATOR)\n');
  process.exit(2);
}
const rank = identity.rank;
const localRank = identity.localRank;
const attempt = Number(env.STYLERUN_ATTEMPT ?? 1);
const log = createLogger(`rank ${rank}`);
log.setContext({ rank, attempt, host: hostname() });
const faults = parseFaults(env.STYLERUN_FAULT);
const token = jobToken();

function bootstrap(): RankBootstrap | undefined {
  try {
    const b = readBootstrap(env);
    if (b) Object.assign(env, b.env);
    return b;
  } catch (e) {
    process.stderr.write(`stylerun rank: ${(e as Error).message}\n`);
    process.exit(2);
  }
}

function jobToken(): string {
  if (boot) return boot.jobToken;
  try {
    return readJobToken(env);
  } catch (e) {
    process.stderr.write(`stylerun rank: ${(e as Error).message}\n`);
    process.exit(2);
  }
}

let stylizer: StyleModel | undefined;
let work: Cancellable | undefined;
let heartbeat: NodeJS.Timeout | undefined;
let framesDone = 0;
let exiting = false;

const coordinatorAddress = `${identity.coordinator.host}:${identity.coordinator.port}`;
const coordinatorCert = env[coordinatorCertVariable] || undefined;
/** What a rank on a host without the launcher's disk holds open: the input relay, and its scratch folder. */
const cleanups: Array<() => Promise<void> | void> = [];
/** That rank's own folder for the downloaded model and its chunks before they are sent. */
const scratch = join(tmpdir(), `stylerun-rank-${rank}-${process.pid}`);

function scratchDir(sub: string): string {
  if (!existsSync(scratch)) cleanups.push(() => rmSync(scratch, { recursive: true, force: true }));
  mkdirSync(join(scratch, sub), { recursive: true, mode: 0o700 });
  return join(scratch, sub);
}

const link = new CoordinatorLink(coordinatorAddress, {
  onMessage: (msg) => void handle(msg).catch((e: Error) => fail(e)),
  onClose: (error) => {
    if (!exiting) void shutdown(1, `lost the coordinator${error ? `: ${error.message}` : ''}`);
  },
}, coordinatorCert);

link.send({
  join: { rank, world_size: identity.worldSize, attempt, host: hostname(), pid: process.pid, device: env.STYLERUN_DEVICE ?? 'auto', job_token: token },
});

async function handle(msg: CoordinatorMessage__Output): Promise<void> {
  switch (msg.kind) {
    case 'welcome':
      return welcome(msg.welcome!);
    case 'assignment': {
      const given = msg.assignment!;
      // a host that does not share the launcher's disk reads the served input through a loopback relay
      // and sends its chunks over PutChunk (Assignment.input_served, chunks_to_coordinator)
      // (or, input_url, from a URL that carries its own credential: a Blob SAS)
      const relay =
        given.input_served || given.input_url
          ? await startHttpRelay(given.input, given.input_served ? { bearer: token, certPem: coordinatorCert } : {})
          : undefined;
      if (relay) cleanups.push(() => relay.close());
      const a = relay ? { ...given, input: relay.url } : given;
      // chunks go to the launcher's store, through the launcher (PutChunk), or straight to Blob storage
      // (the Azure SDK is loaded only by a rank that uploads: it costs every rank's start-up ~0.1 s of CPU otherwise)
      const upload = a.chunks_to_blob
        ? new (await import('./chunk-to-blob.js')).ChunkToBlob(coordinatorClient(coordinatorAddress, coordinatorCert), token, rank, scratchDir('chunks'))
        : a.chunks_to_coordinator
          ? new ChunkUpload(coordinatorClient(coordinatorAddress, coordinatorCert), token, rank, scratchDir('chunks'))
          : undefined;
      const store = upload ?? openChunkStore(a.chunk_store);
      // the question welcome() asked, answered before the decoder's flags are chosen (not asked a second time)
      await askFfmpegEarly();
      const committed: string[] = [];
      const run = runAssignment(a, stylizer!, store, {
        onChunk: (c) => {
          committed.push(c.sha256);
          link.send({ chunk_committed: { start: c.start, count: c.count, name: c.key, sha256: c.sha256 } });
        },
        onFrames: (s) => {
          framesDone = s.frames;
          link.send({ progress: { frames_done: s.frames, decode_ms: s.decodeMs, inference_ms: s.inferenceMs, encode_ms: s.encodeMs } });
          const fault = dueFault(faults, rank, attempt, s.frames);
          if (fault) fire(fault);
        },
      });
      work = run.handle;
      const stats = await run.done;
      link.send({
        done: { frames: stats.frames, checksum: combinedChecksum(committed), decode_ms: stats.decodeMs, inference_ms: stats.inferenceMs, encode_ms: stats.encodeMs, wall_ms: stats.wallMs },
      });
      return;
    }
    case 'finish':
      return shutdown(0);
    case 'abort':
      return shutdown(1, `aborted by the coordinator: ${msg.abort!.reason}`);
  }
}

async function welcome(w: Welcome__Output): Promise<void> {
  const started = performance.now();
  // what the decoder's and encoder's flags depend on, learnt while the model loads
  void askFfmpegEarly();
  log.setContext({ job: w.job_id });
  heartbeat = setInterval(() => link.send({ heartbeat: { frames_done: framesDone } }), w.heartbeat_interval_ms || 1000);
  let modelPath = w.model_path;
  if (w.model_served) {
    modelPath = join(scratchDir('model'), 'model.onnx');
    await downloadServed(w.model_path, token, coordinatorCert, modelPath);
  }
  const gpu = gpuForRank(localRank, parseGpuList(env.STYLERUN_GPUS) ?? nvidiaGpuIndices(), Number(env.STYLERUN_RANKS_PER_GPU) || 1);
  const options: StylizerOptions = {
    modelPath, device: w.device as DeviceChoice, precision: w.precision === 'fp16' ? 'fp16' : 'fp32', intraOpThreads: w.intra_op_threads, batchSize: w.batch_size, width: w.width, height: w.height,
    gpu, frameFormat: w.frame_format === 'yuv420p' ? 'yuv420p' : 'rgb24',
    yuvMatrix: yuvMatrices.find((m) => m === w.yuv_matrix) ?? 'bt601',
  };
  // on a GPU the model runs on a thread of its own, so that ffmpeg's pipes keep moving while it runs
  // the machine's facts again, not the start's: a rank over ssh has its job's LD_LIBRARY_PATH only now
  const threaded = wantsInferenceThread(providerCandidates(options.device, machineFacts()), env);
  if (!threaded) earlyThread?.close();
  stylizer = threaded ? await (earlyThread ?? InferenceThread.start()).load(options, log) : await Stylizer.load(options, log);
  const fault = dueFault(faults, rank, attempt, beforeReady);
  if (fault) fire(fault);
  // CUDA runs on the GPU this rank took; the other providers name no device of their own
  const device = stylizer.executionProvider === 'cuda' && gpu !== undefined ? `cuda:${gpu}` : stylizer.executionProvider;
  link.send({ ready: { execution_provider: stylizer.executionProvider, load_ms: performance.now() - started, model_note: stylizer.note, precision: stylizer.precision, device } });
  // what this start compiled, kept for the next (only where no code cache was taken: after a build)
  setImmediate(startupOver);
}

function fail(e: Error): void {
  // work cancelled by a shutdown already under way: that shutdown says why
  if (e instanceof CancelledError) return;
  link.send({ failed: { reason: e.message.split('\n')[0], code: (e as { code?: string }).code ?? e.name } });
  void shutdown(1, e.message.split('\n')[0]);
}

async function shutdown(code: number, why?: string): Promise<void> {
  if (exiting) return;
  exiting = true;
  if (heartbeat) clearInterval(heartbeat);
  if (why) log.warn(why);
  await work?.cancel().catch(() => {});
  for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => {});
  await link.close();
  process.exit(code);
}

// Preemption notice (a low-priority VM's eviction, or the launcher stopping us): say so, then go.
process.on('SIGTERM', () => {
  link.send({ preempted: { signal: 'SIGTERM' } });
  void shutdown(143);
});
// Ctrl-C reaches the launcher, which stops the ranks itself; ranks are in their own process group.
process.on('SIGINT', () => void shutdown(130));

// Die with the launcher even if the stream does not break (e.g. the launcher is stopped, not killed).
const parentPid = Number(env.STYLERUN_PARENT_PID ?? 0);
if (parentPid) {
  setInterval(() => {
    if (process.ppid !== parentPid) void shutdown(1, 'the launcher is gone');
  }, 1000).unref();
}
