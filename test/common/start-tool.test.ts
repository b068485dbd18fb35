import { describe, expect, it } from 'vitest';
import { ProcessError } from '../../common/errors/process-error.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { startTool, stderrKeepBytes } from '../../common/ffmpeg/start-tool.js';

// Tiny fixture processes: node itself, told what to do.
const node = process.execPath;
const script = (code: string) => ['-e', code];

describe('startTool', () => {
  it('rejects with a ProcessError that carries the exit code and the stderr tail of a tool that fails', async () => {
    const tool = startTool(node, script('process.stderr.write("first\\nlast words\\n"); process.exit(3)'), { stdin: 'ignore', stdout: 'ignore', name: 'fixture' });
    const error = await tool.done.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProcessError);
    expect(error).toMatchObject({ command: 'fixture', exitCode: 3, signal: null, stderrTail: 'first\nlast words\n' });
    expect((error as ProcessError).message).toBe('fixture exited with code 3: last words');
    expect((error as ProcessError).durationMs).toBeGreaterThanOrEqual(0);
    expect(tool.exited).toBe(true);
  });

  it('keeps only the last 8 KB of a chatty stderr', async () => {
    const tool = startTool(node, script('process.stderr.write("x".repeat(100000) + "end")'), { stdin: 'ignore', stdout: 'ignore' });
    await tool.done;
    expect(tool.stderrTail()).toHaveLength(stderrKeepBytes);
    expect(tool.stderrTail().endsWith('end')).toBe(true);
  });

  it('feeds stdin and reads stdout through pipes', async () => {
    const tool = startTool(node, script('process.stdin.pipe(process.stdout)'), { stdin: 'pipe', stdout: 'pipe' });
    const out: Buffer[] = [];
    tool.stdout.on('data', (b: Buffer) => out.push(b));
    tool.stdin.end('frame bytes');
    await tool.done;
    expect(Buffer.concat(out).toString()).toBe('frame bytes');
  });

  it('stops a tool that ignores SIGTERM with SIGKILL once the grace is over', async () => {
    const tool = startTool(node, script('process.on("SIGTERM", () => {}); console.log("up"); setInterval(() => {}, 1000)'), { stdin: 'ignore', stdout: 'pipe' });
    await new Promise((resolve) => tool.stdout.once('data', resolve));
    const started = Date.now();
    await tool.stop(300);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(await tool.done.catch((e: unknown) => e)).toMatchObject({ signal: 'SIGKILL' });
  });

  it('stops a tool with SIGTERM alone when it heeds it', async () => {
    const tool = startTool(node, script('setInterval(() => {}, 1000)'), { stdin: 'ignore', stdout: 'ignore' });
    await tool.stop(10_000);
    expect(await tool.done.catch((e: unknown) => e)).toMatchObject({ signal: 'SIGTERM' });
  });

  it('stops the tool when its abort signal fires', async () => {
    const controller = new AbortController();
    const run = runTool(node, script('setInterval(() => {}, 1000)'), { signal: controller.signal });
    controller.abort();
    expect(await run.catch((e: unknown) => e)).toMatchObject({ name: 'ProcessError', signal: 'SIGTERM' });
  });
});
