// One launcher at a time runs a job: launcher.lock in its folder, made whole and linked into place, names the process that
// runs it. Two --resume runs started together (or a resume beside the job itself, before its coordinator
// answers) would each delete the other's staged chunks and redo frames. A lock whose process is gone (a
// launcher killed with SIGKILL) is taken over; a process is known by its pid and its start time, so a pid
// used again since is not mistaken for the launcher that left the lock.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';

interface LockOwner {
  pid: number;
  host: string;
  /** The process's start time, in clock ticks since boot (/proc/PID/stat), or null where unknown. */
  started: number | null;
}

/** The start time of process `pid` (field 22 of /proc/PID/stat), or null where it is gone or unknown. */
export function processStart(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const started = Number(after[19]);
    return Number.isFinite(started) ? started : null;
  } catch {
    return null;
  }
}

/** Whether the process that wrote `owner` still runs on this machine. A lock from another host cannot be checked here. */
function stillRunning(owner: LockOwner): boolean {
  return owner.host === hostname() && owner.started !== null && processStart(owner.pid) === owner.started;
}

/**
 * Takes job `jobId`'s lock in `dir` (which must exist) for this process; resolves with its release. A UsageError
 * (exit 2) where a launcher that still runs holds it.
 */
export function takeRunLock(dir: string, jobId: string): () => void {
  const path = join(dir, 'launcher.lock');
  const mine: LockOwner = { pid: process.pid, host: hostname(), started: processStart(process.pid) };
  // written whole under a name of its own, then linked into place: link() fails if the lock exists, and a reader
  // never sees it half written (an exclusive create would show another launcher an empty file for a moment,
  // which it took for a torn lock and took over)
  const staged = `${path}.${process.pid}.tmp`;
  writeFileSync(staged, JSON.stringify(mine), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        linkSync(staged, path);
        let held = true;
        return () => {
          if (held) rmSync(path, { force: true });
          held = false;
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let owner: LockOwner | undefined;
      try {
        owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
      } catch {
        owner = undefined; // gone since, or not a lock stylerun wrote: taken over below
      }
      if (owner && stillRunning(owner)) {
        throw new UsageError(`job ${jobId} is being run by process ${owner.pid} on this machine: wait for it, or stop it first`);
      }
      // left by a launcher that is gone (on another host, where only its coordinator could tell: --resume asks it)
      rmSync(path, { force: true });
    }
    throw new UsageError(`job ${jobId} was taken by another launcher at the same moment: wait for it, or stop it first`);
  } finally {
    rmSync(staged, { force: true });
  }
}
