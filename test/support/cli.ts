// Runs the built `stylerun` command as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** The project's root folder. */
export const rootDir = fileURLToPath(new URL('../../', import.meta.url));
/** What `npx stylerun` runs once dist/ is built: the bundled CLI through V8's code cache (scripts/bundle/). */
export const cliPath = fileURLToPath(new URL('../../dist/bundle/cli-main.cjs', import.meta.url));
/** The compiled CLI, which runs where the bundle is missing or out of date. */
export const compiledCliPath = fileURLToPath(new URL('../../dist/launcher/cli/cli.js', import.meta.url));
export const dataDir = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI; `done` resolves when it exits. */
export function startCli(args: string[], options: { cwd?: string; env?: Record<string, string>; uid?: number } = {}): { child: ChildProcess; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [cliPath, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    uid: options.uid,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done };
}

/** Runs the CLI to completion. */
export function runCli(args: string[], options: { cwd?: string; env?: Record<string, string>; uid?: number } = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Whether a process id is alive. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Rank pids the launcher logged ("rank N ready ... pid=P"). */
export function rankPids(stderr: string): number[] {
  return [...stderr.matchAll(/rank \d+ ready .*?pid=(\d+)/g)].map((m) => Number(m[1]));
}

/** Pids of processes (other than this one) for which `matches` holds, given a reader of their /proc files. */
function processesWhere(matches: (read: (file: string) => string) => boolean): number[] {
  const { readdirSync, readFileSync } = require('node:fs') as typeof import('node:fs');
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (matches((file) => readFileSync(`/proc/${name}/${file}`, 'utf8'))) pids.push(Number(name));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

/** Pids of live processes whose command line mentions `text` (e.g. a job's work folder). */
export function processesMentioning(text: string): number[] {
  return processesWhere((read) => read('cmdline').includes(text));
}

/**
 * Live processes a launcher started as ranks (their environment names it as STYLERUN_PARENT_PID), ranks started
 * ahead of their job included; zombies, gone but for a wait, are not counted.
 */
export function ranksOf(launcherPid: number): number[] {
  return processesWhere((read) => read('environ').split('\0').includes(`STYLERUN_PARENT_PID=${launcherPid}`) && !/\) Z /.test(read('stat')));
}
