// Messages between a rank's JavaScript thread (rank/inference-thread.ts) and the worker thread that holds its
// model (rank/inference-worker.ts). Frames cross as whole ArrayBuffers, moved rather than copied.
import type { Precision } from '../common/device.js';
import type { FrameFormat } from '../models/onnx/frame-format.js';
import type { LogLevel } from '../common/log.js';
import type { StylizerOptions } from './stylizer.js';

/** One frame's bytes inside a buffer that crosses; several frames of one batch may share a buffer. */
export interface FrameBytes {
  buffer: ArrayBuffer;
  offset: number;
  length: number;
}

/** What the loaded model says about itself (the Stylizer's facts the rank reports). */
export interface LoadedModel {
  executionProvider: string;
  batchSize: number;
  precision: Precision;
  note: string;
  frameFormat: FrameFormat;
}

/** An error as it crosses: what the rank's Failed message and exit carry (message, and code or name). */
export interface CrossedError {
  message: string;
  name: string;
  code?: string;
}

/** From the JavaScript thread to the inference thread. */
export type ToInference =
  | { kind: 'load'; options: StylizerOptions }
  | { kind: 'run'; id: number; frames: FrameBytes[] }
  | { kind: 'release' };

/** From the inference thread to the JavaScript thread. */
export type FromInference =
  | { kind: 'loaded'; model: LoadedModel }
  | { kind: 'load-failed'; error: CrossedError }
  | { kind: 'ran'; id: number; frames: FrameBytes[]; inputs: FrameBytes[] }
  | { kind: 'run-failed'; id: number; error: CrossedError }
  | { kind: 'log'; level: LogLevel; msg: string; fields?: Record<string, unknown> }
  | { kind: 'released' };

/**
 * Frames packed to cross: a buffer the frames fill entirely is moved (transferred, no copy); a frame in a
 * buffer it shares with other bytes (Node's pool of small buffers, a larger allocation) is copied first,
 * since moving that buffer would take the other bytes from their owner.
 */
export function packFrames(frames: readonly Uint8Array[]): { frames: FrameBytes[]; transfer: ArrayBuffer[] } {
  const bytesIn = new Map<ArrayBufferLike, number>();
  for (const f of frames) bytesIn.set(f.buffer, (bytesIn.get(f.buffer) ?? 0) + f.byteLength);
  const transfer = new Set<ArrayBuffer>();
  const packed = frames.map((f): FrameBytes => {
    if (f.buffer instanceof ArrayBuffer && bytesIn.get(f.buffer) === f.buffer.byteLength) {
      transfer.add(f.buffer as ArrayBuffer);
      return { buffer: f.buffer as ArrayBuffer, offset: f.byteOffset, length: f.byteLength };
    }
    // (a Buffer's own slice() is a view: new Uint8Array(view) copies into a buffer of its own)
    const copy = new Uint8Array(f).buffer;
    transfer.add(copy);
    return { buffer: copy, offset: 0, length: f.byteLength };
  });
  return { frames: packed, transfer: [...transfer] };
}

/** The frames as Buffers over the buffers that crossed. */
export function unpackFrames(frames: readonly FrameBytes[]): Buffer[] {
  return frames.map((f) => Buffer.from(f.buffer, f.offset, f.length));
}

/** An error as it crosses. */
export function crossedError(e: unknown): CrossedError {
  const error = e instanceof Error ? e : new Error(String(e));
  const code = (error as { code?: unknown }).code;
  return { message: error.message, name: error.name, ...(typeof code === 'string' ? { code } : {}) };
}

/** The error on this side of the crossing: its message, name and code as they were. */
export function errorFrom(c: CrossedError): Error {
  const error = new Error(c.message);
  error.name = c.name;
  if (c.code !== undefined) Object.assign(error, { code: c.code });
  return error;
}
