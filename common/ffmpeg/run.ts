// Runs ffmpeg/ffprobe to completion and collects their output; failures become ProcessError.
import { startTool } from './start-tool.js';

/** Output of a finished tool run. */
export interface ToolOutput {
  stdout: string;
  stderr: string;
}

/**
 * Runs `path args`, resolves with its output on exit code 0, rejects with ProcessError otherwise (its
 * stderr is the last few KB). Aborting `signal` stops the tool, SIGTERM then SIGKILL.
 */
export async function runTool(path: string, args: readonly string[], options: { signal?: AbortSignal; name?: string } = {}): Promise<ToolOutput> {
  const tool = startTool(path, args, { stdin: 'ignore', stdout: 'pipe', signal: options.signal, name: options.name });
  const out: Buffer[] = [];
  tool.stdout.on('data', (b: Buffer) => out.push(b));
  await tool.done;
  return { stdout: Buffer.concat(out).toString(), stderr: tool.stderrTail() };
}
