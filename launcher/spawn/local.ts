// Rank processes on this machine. Each runs in its own process group (so Ctrl-C reaches only the
// launcher, which stops them in order) and is killed with its whole group (its ffmpeg children too).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import type { Logger } from '../../common/log.js';
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

/** Starts ranks as child processes of the launcher. */
export class LocalSpawner implements RankSpawner {
  constructor(private readonly log: Logger, private readonly entry: string = resolveEntry()) {}

  start(rank: number, host: string, env: Record<string, string>): RankProcess {
    const child = spawn(process.execPath, [this.entry], {
      env: { ...process.env, ...env, STYLERUN_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'inherit', 'pipe'],
      detached: true,
    });
    const pid = child.pid ?? -1;
    if (pid > 0) liveGroups.add(pid);
    createInterface({ input: child.stderr }).on('line', (line) => {
      // ranks tag their own lines; untagged ones (a crash trace, a native warning) get tagged here
      process.stderr.write(line.startsWith('[rank ') ? `${line}\n` : `[rank ${rank}] ${line}\n`);
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
        resolve({ exitCode, signal });
      });
    });
    const stop = async (graceMs: number) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(pid, 'SIGTERM');
      signalGroup(pid, 'SIGCONT'); // a stopped (hung) rank must run to see SIGTERM
      const timer = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    };
    return { rank, host, pid, exited, stop };
  }
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* gone */
  }
}

function resolveEntry(): string {
  // Tests run the launcher from TypeScript sources; ranks always run from the build in dist/.
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('../../rank/main.js', import.meta.url));
  return fileURLToPath(new URL('../../dist/rank/main.js', import.meta.url));
}
