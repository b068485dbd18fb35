// What a forced stop (a second Ctrl-C or SIGTERM, after which the CLI exits at once) must still do before the
// process ends: remove a half-written output beside --output, and say how to finish the job. The job registers
// both while it runs; the CLI runs them synchronously on its way out.
const cleanups = new Set<() => void>();
let resumeHint = '';

/** Registers `cleanup` (synchronous) for a forced stop; the returned function unregisters it. */
export function whenForced(cleanup: () => void): () => void {
  cleanups.add(cleanup);
  return () => void cleanups.delete(cleanup);
}

/** What the forced stop's line adds, e.g. "; finish it with stylerun --resume JOB"; '' once the job has ended. */
export function setForcedHint(hint: string): void {
  resumeHint = hint;
}

/** Runs every registered cleanup (each failure ignored: the process is going) and returns the hint. */
export function runForcedCleanups(): string {
  for (const cleanup of cleanups) {
    try {
      cleanup();
    } catch {
      /* going anyway */
    }
  }
  cleanups.clear();
  return resumeHint;
}
