// The one way stylerun starts ffmpeg or ffprobe: piped or ignored stdin/stdout, stderr kept as a tail for
// the error (never printed: native lines belong in the error that explains them), and a stop that
// escalates SIGTERM -> SIGKILL.
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ProcessError } from '../errors/process-error.js';

/** How many bytes of a tool's stderr are kept for its error. */
export const stderrKeepBytes = 8192;

/** Grace a stop gives SIGTERM before SIGKILL, unless told otherwise. */
export const defaultStopGraceMs = 2000;

type Pipe = 'pipe' | 'ignore';

/** How to start a tool. */
export interface StartToolOptions<I extends Pipe, O extends Pipe> {
  stdin: I;
  stdout: O;
  /** Aborting it stops the tool (SIGTERM, then SIGKILL after `stopGraceMs`). */
  signal?: AbortSignal;
  stopGraceMs?: number;
  /** The name its ProcessError gives, e.g. "ffmpeg (encode)"; the executable's base name by default. */
  name?: string;
}

/** A started tool. */
export interface RunningTool<I extends Pipe, O extends Pipe> {
  child: ChildProcess;
  /** Its stdin, where piped. */
  stdin: I extends 'pipe' ? Writable : null;
  /** Its stdout, where piped. */
  stdout: O extends 'pipe' ? Readable : null;
  /** Resolves when it exits 0; rejects with a ProcessError carrying its stderr tail, or with the spawn error. */
  done: Promise<void>;
  /** Whether it has ended (exited and its pipes closed), well or not. */
  readonly exited: boolean;
  /** The last `stderrKeepBytes` of what it printed on stderr. */
  stderrTail(): string;
  /** Ends it: SIGTERM, then SIGKILL after `graceMs`; resolves once it has ended. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `path args`; the caller feeds or reads its pipes and awaits `done`. */
export function startTool<I extends Pipe, O extends Pipe>(path: string, args: readonly string[], options: StartToolOptions<I, O>): RunningTool<I, O> {
  const started = Date.now();
  const child = spawn(path, args, { stdio: [options.stdin, options.stdout, 'pipe'] });
  let stderr = '';
  let exited = false;
  child.stderr!.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-stderrKeepBytes);
  });
  // a reader that left early surfaces through the exit code, not as an unhandled EPIPE
  child.stdin?.on('error', () => {});
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (e) => {
      exited = true;
      reject(e);
    });
    child.on('close', (exitCode, signal) => {
      exited = true;
      if (exitCode === 0) resolve();
      else reject(new ProcessError({ command: options.name ?? basename(path), exitCode, signal, stderrTail: stderr, durationMs: Date.now() - started }));
    });
  });
  done.catch(() => {}); // the caller observes it when it wants to; no unhandled rejection meanwhile

  const stop = async (graceMs = options.stopGraceMs ?? defaultStopGraceMs): Promise<void> => {
    if (!exited) {
      // closed pipes wake a tool blocked on them, which a signal alone does not (ffmpeg restarts the read)
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await done.catch(() => {});
      clearTimeout(kill);
    }
  };
  const onAbort = () => void stop();
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  void done.catch(() => {}).finally(() => options.signal?.removeEventListener('abort', onAbort));

  return {
    child,
    stdin: child.stdin as RunningTool<I, O>['stdin'],
    stdout: child.stdout as RunningTool<I, O>['stdout'],
    done,
    get exited() {
      return exited;
    },
    stderrTail: () => stderr,
    stop,
  };
}
