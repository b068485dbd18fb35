import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process's command line that holds one of `secrets()` while `running` is pending, as `ps` would show it.
 * `secrets` is asked at each look (a secret may be learnt while the job runs; none yet: nothing to look for).
 * `typed` is the command the user typed, whose line holds what the user put there: it is no leak, and neither is a
 * child of it caught between fork and exec, which is still a copy of it.
 */
export async function argvLeaks(secrets: () => string[], running: Promise<unknown>, typed?: { pid?: number }): Promise<string[]> {
  const leaks = new Set<string>();
  let done = false;
  void running.finally(() => (done = true));
  const typedLine = typed?.pid === undefined ? undefined : cmdline(typed.pid);
  for (; !done; await new Promise((r) => setTimeout(r, 50))) {
    const wanted = secrets().flatMap((s) => [s, encodeURIComponent(s)]);
    if (wanted.length === 0) continue;
    for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
      const line = cmdline(Number(pid));
      if (line === undefined || line === typedLine) continue;
      if (wanted.some((s) => line.includes(s))) leaks.add(line.replaceAll('\0', ' '));
    }
  }
  return [...leaks];
}

function cmdline(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return undefined; // gone already
  }
}
