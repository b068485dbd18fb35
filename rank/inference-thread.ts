// A rank's model on a thread of its own. onnxruntime-node (1.29) runs a session synchronously on the thread that
// calls it: in the rank's JavaScript thread, each run stops the event loop, and with it the pipes to the
// decoder and the encoder, which can then run ahead only by what a pipe holds (~200 KB, a seventh of a 720x720
// frame). On a GPU that serializes ffmpeg's work with the model's. Here the model runs on a worker thread
// (rank/inference-worker.ts) while the JavaScript thread keeps the pipes moving; frames cross without copies.
import { SHARE_ENV, Worker } from 'node:worker_threads';
import type { Precision } from '../common/device.js';
import type { Logger } from '../common/log.js';
import type { FrameFormat } from '../models/onnx/frame-format.js';
import { errorFrom, packFrames, unpackFrames, type FromInference, type LoadedModel, type ToInference } from './inference-messages.js';
import type { StyleModel, StylizerOptions } from './stylizer.js';

/** STYLERUN_INFERENCE_THREAD=1 or 0 overrides the choice (for tests and side-by-side measurements). */
export const inferenceThreadVariable = 'STYLERUN_INFERENCE_THREAD';

/**
 * Whether a rank runs its model on a thread of its own: where its first provider is a GPU's (the model's time is
 * then the GPU's, and the cores are free for ffmpeg). On the CPU provider the model's own threads take the
 * cores ffmpeg would use, and the thread would only add its start-up (~0.15 s of CPU: a worker loading onnxruntime
 * and the stylizer) to every rank's.
 */
export function wantsInferenceThread(candidates: readonly string[], env: NodeJS.ProcessEnv): boolean {
  const chosen = env[inferenceThreadVariable];
  if (chosen === '1' || chosen === '0') return chosen === '1';
  return candidates[0] !== undefined && candidates[0] !== 'cpu';
}

/** A thread started ahead of its model. */
export interface StartedThread {
  /** Loads the model on the thread; rejects with the model's error, or why the thread ended. Once only. */
  load(options: StylizerOptions, log: Logger): Promise<InferenceThread>;
  /** Ends a thread that will not be given a model. */
  close(): void;
}

interface Pending {
  resolve(frames: Buffer[]): void;
  reject(e: Error): void;
  spent?: (frame: Buffer) => void;
}

/** A loaded model on its own thread; runs one batch at a time, as the rank's pipeline asks. */
export class InferenceThread implements StyleModel {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private gone: Error | undefined;
  private onReleased: (() => void) | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly model: LoadedModel,
  ) {}

  get executionProvider(): string {
    return this.model.executionProvider;
  }

  get batchSize(): number {
    return this.model.batchSize;
  }

  get precision(): Precision {
    return this.model.precision;
  }

  get note(): string {
    return `${this.model.note}; run on a thread of its own`;
  }

  get frameFormat(): FrameFormat {
    return this.model.frameFormat;
  }

  /** Starts the thread and loads the model there, as Stylizer.load would here; rejects with its error. */
  static load(options: StylizerOptions, log: Logger, workerUrl?: URL): Promise<InferenceThread> {
    return InferenceThread.start(workerUrl).load(options, log);
  }

  /**
   * Starts the thread ahead of its model: it loads its code (onnxruntime, the stylizer: ~0.15 s of CPU) while the
   * rank does other things, such as waiting for its job, and then waits for `load`.
   */
  static start(workerUrl = new URL('./inference-worker.js', import.meta.url)): StartedThread {
    // one environment for both threads: what the rank learns after the start (its job's variables, handed over
    // on stdin to a rank started ahead) is what the model's load reads (e.g. STYLERUN_FRAME_PATH)
    const worker = new Worker(workerUrl, { env: SHARE_ENV });
    let ended: Error | undefined;
    let onEnd: (e: Error) => void = (e) => (ended ??= e);
    worker.on('error', (e: Error) => onEnd(e));
    worker.on('exit', (code) => onEnd(new Error(`the inference thread ended (exit code ${code})`)));
    return {
      close: () => void worker.terminate(),
      load: (options, log) =>
        new Promise((resolve, reject) => {
          if (ended) return reject(ended);
          let thread: InferenceThread | undefined;
          worker.on('message', (m: FromInference) => {
            switch (m.kind) {
              case 'log':
                return log[m.level](m.msg, m.fields);
              case 'loaded':
                thread = new InferenceThread(worker, m.model);
                return resolve(thread);
              case 'load-failed':
                void worker.terminate();
                return reject(errorFrom(m.error));
              default:
                return thread?.settle(m);
            }
          });
          onEnd = (e) => {
            if (thread) thread.fail(e);
            else reject(e);
          };
          worker.postMessage({ kind: 'load', options } satisfies ToInference);
        }),
    };
  }

  /**
   * Styles a batch on the thread. The frames' buffers move there: the caller must not use them afterwards; they
   * come back, once the model is done with them, to `spent`.
   */
  run(frames: readonly Buffer[], spent?: (frame: Buffer) => void): Promise<Buffer[]> {
    if (this.gone) return Promise.reject(this.gone);
    const id = this.nextId++;
    const packed = packFrames(frames);
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, spent });
      this.worker.postMessage({ kind: 'run', id, frames: packed.frames } satisfies ToInference, packed.transfer);
    });
  }

  /** Releases the model's sessions and ends the thread. */
  async release(): Promise<void> {
    if (this.gone) return;
    const released = new Promise<void>((resolve) => (this.onReleased = resolve));
    this.worker.postMessage({ kind: 'release' } satisfies ToInference);
    await Promise.race([released, new Promise((r) => setTimeout(r, 5000).unref())]);
    this.fail(new Error('the model was released'));
    await this.worker.terminate();
  }

  private settle(m: FromInference): void {
    if (m.kind === 'released') return this.onReleased?.();
    if (m.kind !== 'ran' && m.kind !== 'run-failed') return;
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    if (m.kind === 'ran') {
      if (p?.spent) for (const input of unpackFrames(m.inputs)) p.spent(input);
      p?.resolve(unpackFrames(m.frames));
    }
    else p?.reject(errorFrom(m.error));
  }

  private fail(e: Error): void {
    this.gone ??= e;
    for (const p of this.pending.values()) p.reject(this.gone);
    this.pending.clear();
  }
}
