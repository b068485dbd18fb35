// One launcher at a time runs a job: launcher.lock in its folder, made whole and linked into place, names the process that
// runs it. Two --resume runs started together (or a resume beside the job itself, before its coordinator
// answers) would each delete the other's staged chunks and redo frames. A lock whose process is gone (a
// launcher killed with SIGKILL) is taken over; a process is known by its pid and its start time, so a pid
// used again since is not mistaken for the launcher that left the lock. Two launchers that find the same stale lock take
// it over one at a time (launcher.lock.takeover): the second must not remove the first one's new lock.
import { readFileSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../common/errors/usage-error.js';
import { createWhole, parseJsonIfAny, readTextIfAny } from '../../common/write-whole.js';

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

/** Test hooks: `onStale` runs once a lock has been judged stale, before it is taken over (to hold a launcher there). */
export interface RunLockHooks {
  onStale?: () => void;
}

/**
 * Takes job `jobId`'s lock in `dir` (which must exist) for this process; resolves with its release. A UsageError
 * (exit 2) where a launcher that still runs holds it.
 */
export function takeRunLock(dir: string, jobId: string, hooks: RunLockHooks = {}): () => void {
  const path = join(dir, 'launcher.lock');
  const mine = JSON.stringify({ pid: process.pid, host: hostname(), started: processStart(process.pid) } satisfies LockOwner);
  // created whole (common/write-whole.ts): a reader never sees it half written, which it would take for a torn lock
  // and take over. A takeover waits for another one under way: about 2 s at most
  for (let attempt = 0; attempt < 100; attempt++) {
    if (createWhole(path, mine, 0o600)) {
      let held = true;
      return () => {
        if (held) rmSync(path, { force: true });
        held = false;
      };
    }
    const judged = readTextIfAny(path);
    const owner = parseJsonIfAny<LockOwner>(judged);
    if (owner && stillRunning(owner)) {
      throw new UsageError(`job ${jobId} is being run by process ${owner.pid} on this machine: wait for it, or stop it first`);
    }
    // left by a launcher that is gone (on another host, where only its coordinator could tell: --resume asks it),
    // gone since, or not a lock stylerun wrote
    hooks.onStale?.();
    if (!removeStale(path, judged, mine)) sleepMs(20);
  }
  throw new UsageError(`job ${jobId} was taken by another launcher at the same moment: wait for it, or stop it first`);
}

/**
 * Removes the lock at `path` if it still holds `judged` (the stale lock's text), under a takeover guard that one
 * launcher at a time holds: two launchers that judged the same lock stale would otherwise both remove it, the
 * second removing the first's new lock, and both run the job. False where another takeover holds the guard.
 */
function removeStale(path: string, judged: string | undefined, mine: string): boolean {
  const guard = `${path}.takeover`;
  if (!createWhole(guard, mine, 0o600)) {
    // a guard whose launcher is gone (killed within its takeover) is removed; the next attempt takes it
    const holder = parseJsonIfAny<LockOwner>(readTextIfAny(guard));
    if (!holder || !stillRunning(holder)) rmSync(guard, { force: true });
    return false;
  }
  try {
    // while the guard is held, the lock is only replaced by a link, which needs it gone: the text read now is final
    if (readTextIfAny(path) === judged) rmSync(path, { force: true });
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
