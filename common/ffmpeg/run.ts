// Runs ffmpeg/ffprobe to completion and collects their output; failures become ProcessError.
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { ProcessError } from '../errors/process-error.js';

/** Output of a finished tool run. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

const stderrKeepBytes = 8192;

/** Runs `path args`, resolves with its output on exit code 0, rejects with ProcessError otherwise. */
export function runTool(path: string, args: string[], options: { signal?: AbortSignal } = {}): Promise<ToolOutput> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], signal: options.signal });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => {
      err = (err + b.toString()).slice(-stderrKeepBytes);
    });
    child.on('error', (e) => reject(e));
    child.on('close', (code, signal) => {
      if (code === 0) resolve({ stdout: Buffer.concat(out).toString(), stderr: err });
      else
        reject(
          new ProcessError({ command: basename(path), exitCode: code, signal, stderrTail: err, durationMs: Date.now() - started }),
        );
    });
  });
}
