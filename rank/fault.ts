// Reproducible fault injection for chaos tests: STYLERUN_FAULT="rank=1,attempt=1,after=40,action=crash"
// (several separated by ';'). After `after` frames of its work, on that attempt (or, with after=ready,
// just before it would say ready, so that it never passes the barrier), the rank:
//   crash   - kills itself with SIGKILL (a machine dying under it)
//   exit    - exits with code 3 (a program error)
//   hang    - stops itself with SIGSTOP (a hung process: no heartbeats, socket still open)
//   preempt - sends itself SIGTERM (a low-priority VM's eviction notice)

/** What an injected fault does. */
export type FaultAction = 'crash' | 'exit' | 'hang' | 'preempt';

/** One injected fault. */
export interface Fault {
  rank: number;
  /** Attempt it fires on; undefined = every attempt. */
  attempt?: number;
  /** Frames styled before it fires; -1 = before saying ready. */
  afterFrames: number;
  action: FaultAction;
}

/** The `after` value that fires a fault before the rank says ready. */
export const beforeReady = -1;

const actions: readonly FaultAction[] = ['crash', 'exit', 'hang', 'preempt'];

/** Parses STYLERUN_FAULT; throws on anything malformed so a chaos test never silently runs fault-free. */
export function parseFaults(text: string | undefined): Fault[] {
  if (!text?.trim()) return [];
  return text.split(';').filter((s) => s.trim()).map((spec) => {
    const fields = new Map(spec.split(',').map((kv) => kv.trim().split('=') as [string, string]));
    for (const key of fields.keys()) {
      if (!['rank', 'attempt', 'after', 'action'].includes(key)) throw new Error(`STYLERUN_FAULT: unknown key "${key}" in "${spec}"`);
    }
    const int = (key: string, optional = false): number | undefined => {
      const v = fields.get(key);
      if (v === undefined && optional) return undefined;
      if (v === undefined || !/^\d+$/.test(v)) throw new Error(`STYLERUN_FAULT: bad ${key} in "${spec}"`);
      return Number(v);
    };
    const action = fields.get('action') as FaultAction;
    if (!actions.includes(action)) throw new Error(`STYLERUN_FAULT: action must be one of ${actions.join('|')} in "${spec}"`);
    const afterFrames = fields.get('after') === 'ready' ? beforeReady : int('after')!;
    return { rank: int('rank')!, attempt: int('attempt', true), afterFrames, action };
  });
}

/** The fault to fire now, if any, for this rank and attempt once it has done `framesDone` frames. */
export function dueFault(faults: readonly Fault[], rank: number, attempt: number, framesDone: number): Fault | undefined {
  return faults.find(
    (f) => f.rank === rank && (f.attempt === undefined || f.attempt === attempt) && (f.afterFrames === beforeReady ? framesDone === beforeReady : framesDone >= f.afterFrames),
  );
}

/** Carries out a fault on the current process. */
export function fire(fault: Fault): void {
  switch (fault.action) {
    case 'crash':
      process.kill(process.pid, 'SIGKILL');
      break;
    case 'exit':
      process.exit(3);
      break;
    case 'hang':
      process.kill(process.pid, 'SIGSTOP');
      break;
    case 'preempt':
      process.kill(process.pid, 'SIGTERM');
      break;
  }
}
