// Rank processes on this machine. Each runs in its own process group (so Ctrl-C reaches only the
// launcher, which stops them in order) and is killed with its whole group (its ffmpeg children too).
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { knownFeaturesEnv } from '../../common/ffmpeg/features.js';
import { bootstrapLine, bootstrapVariable } from '../../common/rank-bootstrap.js';
import { JOB_TOKEN_FD, JOB_TOKEN_FD_VARIABLE, JOB_TOKEN_FILE_VARIABLE } from '../../common/job-token.js';
import type { Logger } from '../../common/log.js';
import { isLogLine, writeStderr } from '../../common/log.js';
import { resolveEntry } from './entry.js';
import type { RankExit, RankProcess, RankSpawner } from './spawner.js';

/** Every live local rank process, so that exit handlers can kill them synchronously. */
export const liveGroups = new Set<number>();

/** Kills every live rank group now (used on the launcher's way out). */
export function killAllGroups(): void {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  liveGroups.clear();
}

/**
 * Whether a process started with environment `started` can become a rank that needs `wanted`: the variables
 * read at exec or while Node starts (the dynamic loader's, Node's own, glibc's) must be the same; every other
 * variable reaches it in its bootstrap, before the rank reads it.
 */
export function sameStartupVariables(started: NodeJS.ProcessEnv, wanted: NodeJS.ProcessEnv): boolean {
  const atStart = (k: string) => /^(LD_|NODE_|GLIBC_|MALLOC_)/.test(k) || k === 'UV_THREADPOOL_SIZE';
  const keys = new Set([...Object.keys(started), ...Object.keys(wanted)].filter(atStart));
  return [...keys].every((k) => started[k] === wanted[k]);
}

/** How many local ranks start ahead of their job at most (prestart). */
export function prestartCap(cores = availableParallelism()): number {
  return Math.max(cores, 8);
}

type RankChild = ChildProcessByStdio<Writable | null, null, Readable>;

/** A process started ahead of its job, waiting for its bootstrap on stdin. */
interface Prestarted {
  child: ChildProcessByStdio<Writable, null, Readable>;
  env: NodeJS.ProcessEnv;
  /** Settles on the child's 'close': it has exited and its pipes are closed. */
  closed: Promise<void>;
}

/** How long discardPrestarted waits for the killed processes to be reaped at most. */
const discardWaitMs = 2000;

/** Starts ranks as child processes of the launcher. */
export class LocalSpawner implements RankSpawner {
  private prestarted: Prestarted[] = [];

  /** `outputDir`: where each rank's stderr also goes, whole, as rank.N.log (mpirun's --output-filename). */
  constructor(private readonly log: Logger, private readonly entry: string = resolveEntry(), private readonly outputDir?: string) {}

  /** The environment a rank started now gets: the launcher's (less its token variables), then the job's. */
  private rankEnv(env: Record<string, string>): NodeJS.ProcessEnv {
    // the launcher's own token variables (had a user set any) must not point the rank elsewhere
    // what the launcher learnt of its ffmpeg holds for a child on the same machine and saves it asking again
    return { ...withoutTokenVariables(process.env), ...knownFeaturesEnv(), ...env, STYLERUN_PARENT_PID: String(process.pid) };
  }

  // Each process blocks reading its bootstrap (common/rank-bootstrap.ts) once its code is loaded; one that is
  // never taken is killed by discardPrestarted, or ends when the launcher does and its stdin closes.
  // At most one per core (or 8, for a GPU machine with few cores): more started ahead than cores gain nothing,
  // and an -n far above the input's frames (refused after the probe) would otherwise fork that many at once.
  prestart(hosts: readonly string[], env: Record<string, string>): void {
    const started = { ...this.rankEnv(env), [bootstrapVariable]: 'stdin' };
    for (let i = 0; i < Math.min(hosts.length, prestartCap()); i++) {
      const child = spawn(process.execPath, [this.entry], { env: started, stdio: ['pipe', 'inherit', 'pipe'], detached: true });
      child.stdin.on('error', () => {}); // a process that died: start() sees it gone and starts another
      child.on('error', () => {});
      if (child.pid) liveGroups.add(child.pid);
      const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
      this.prestarted.push({ child, env: started, closed });
    }
  }

  async discardPrestarted(): Promise<void> {
    const gone: Promise<void>[] = [];
    for (const { child, closed } of this.prestarted.splice(0)) {
      if (!child.pid) continue;
      gone.push(closed);
      signalGroup(child.pid, 'SIGKILL');
      liveGroups.delete(child.pid);
    }
    // a SIGKILL ends a process at once; the bound is for a kernel that is slow to reap it
    await Promise.race([Promise.all(gone), new Promise((resolve) => setTimeout(resolve, discardWaitMs).unref())]);
  }

  /** A prestarted process that is alive and can become a rank with `env`, taken from the pool. */
  private takePrestarted(env: NodeJS.ProcessEnv): Prestarted | undefined {
    for (let p = this.prestarted.shift(); p; p = this.prestarted.shift()) {
      if (p.child.pid === undefined || p.child.exitCode !== null || p.child.signalCode !== null) {
        if (p.child.pid) liveGroups.delete(p.child.pid); // died waiting (it never had a rank): the next one, or a fresh start
        continue;
      }
      if (sameStartupVariables(p.env, env)) return p;
      // they were all started alike: none can serve this job
      this.prestarted.unshift(p);
      this.discardPrestarted();
      return undefined;
    }
    return undefined;
  }

  /** Rank `rank`'s log file, written synchronously: the launcher may exit right after the rank does. */
  private rankLog(rank: number): { write(line: string): void; end(): void } | undefined {
    if (!this.outputDir) return undefined;
    let fd: number | undefined;
    try {
      mkdirSync(this.outputDir, { recursive: true });
      fd = openSync(join(this.outputDir, `rank.${rank}.log`), 'a');
    } catch (e) {
      this.log.warn(`--output-dir: cannot write rank ${rank}'s log: ${(e as Error).message}`);
      return undefined;
    }
    return {
      write: (line) => fd !== undefined && writeSync(fd, line),
      end: () => {
        if (fd !== undefined) closeSync(fd);
        fd = undefined;
      },
    };
  }

  start(rank: number, host: string, env: Record<string, string>, jobToken: string): RankProcess {
    const wanted = this.rankEnv(env);
    const ready = this.takePrestarted(wanted);
    let child: RankChild;
    if (ready) {
      child = ready.child;
      // what the prestarted process lacks: the job's variables and the token, on the pipe it blocks reading
      ready.child.stdin.end(bootstrapLine({ env: { ...knownFeaturesEnv(), ...env }, jobToken }));
    } else {
      child = spawn(process.execPath, [this.entry], {
        env: { ...wanted, [JOB_TOKEN_FD_VARIABLE]: String(JOB_TOKEN_FD) },
        stdio: ['ignore', 'inherit', 'pipe', 'pipe'],
        detached: true,
      }) as ChildProcessByStdio<null, null, Readable>; // what the stdio above gives; fd 3 is the token pipe
      handOver(child.stdio[JOB_TOKEN_FD] as Writable | null, jobToken);
    }
    const pid = child.pid ?? -1;
    if (pid > 0) liveGroups.add(pid);
    const untagged = new NativeLines();
    const file = this.rankLog(rank);
    let stopping = false; // set when the launcher stops the rank: its exit is then not its own failure
    const lines = createInterface({ input: child.stderr });
    // a process's 'exit' may come before the last of its stderr: the rank counts as gone once both are in
    const stderrClosed = new Promise<void>((resolve) => lines.on('close', resolve));
    void stderrClosed.then(() => file?.end());
    lines.on('line', (line) => {
      file?.write(`${line}\n`);
      // ranks tag their own lines; untagged ones come from native libraries (Dawn, onnxruntime) or a
      // crash: shown at debug, and kept to explain the rank's exit if it fails
      if (isLogLine(line)) writeStderr(`${line}\n`);
      else {
        untagged.add(line);
        this.log.debug(`rank ${rank} (native): ${line}`);
      }
    });
    const exited = new Promise<RankExit>((resolve) => {
      child.on('error', (e) => {
        this.log.error(`rank ${rank} could not start: ${e.message}`);
        resolve({ exitCode: 127, signal: null });
      });
      child.on('exit', (exitCode, signal) => {
        // the group may still hold ffmpeg children of the rank: take them down with it
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          /* group already empty */
        }
        liveGroups.delete(pid);
        // its last lines, at most a moment later (a stray holder of the pipe cannot keep the rank alive)
        const drained = Promise.race([stderrClosed, new Promise((r) => setTimeout(r, 1000).unref())]);
        void drained.then(() => {
          if (!stopping && (exitCode !== 0 || signal)) for (const line of untagged.lines()) this.log.warn(`rank ${rank} printed before it exited: ${line}`);
          resolve({ exitCode, signal });
        });
      });
    });
    const stop = async (graceMs: number) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      stopping = true;
      signalGroup(pid, 'SIGTERM');
      signalGroup(pid, 'SIGCONT'); // a stopped (hung) rank must run to see SIGTERM
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    };
    return { rank, host, pid, exited, stop };
  }
}

/** The last lines a rank printed that were not its own log lines. */
class NativeLines {
  private readonly kept: string[] = [];
  constructor(private readonly max = 8) {}
  add(line: string): void {
    if (!line.trim()) return;
    this.kept.push(line);
    if (this.kept.length > this.max) this.kept.shift();
  }
  lines(): readonly string[] {
    return this.kept;
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

/** Writes the token on the rank's token pipe and closes it; a rank that died at once just never reads it. */
function handOver(pipe: Writable | null, jobToken: string): void {
  if (!pipe) return;
  pipe.on('error', () => {});
  pipe.end(`${jobToken}\n`);
}

function withoutTokenVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [JOB_TOKEN_FD_VARIABLE]: _fd, [JOB_TOKEN_FILE_VARIABLE]: _file, ...rest } = env;
  return rest;
}
