// `stylerun watch`'s own options, checked and defaulted once (the job options are the job's).
import { UsageError } from '../../common/errors/usage-error.js';
import { globPattern } from '../watch/watch-decisions.js';
import type { WatchOptions } from '../watch/watch.js';
import { maxTimerMs } from './options.js';

/** The watch options from parsed arguments; a UsageError (exit 2) for the first bad one. */
export function watchOptions(a: Record<string, unknown>): WatchOptions {
  const positive = (name: string, fallback: number): number => {
    const v = a[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new UsageError(`--${name} must be a number above 0, got ${String(v)}`);
    return v;
  };
  const count = (name: string, fallback: number): number => {
    const v = positive(name, fallback);
    if (!Number.isSafeInteger(v)) throw new UsageError(`--${name} must be a whole number above 0, got ${v}`);
    return v;
  };
  const claimSeconds = positive('claim-seconds', 60);
  const interval = positive('interval', 60);
  // Node's timers hold at most 2^31 - 1 ms: a longer one fires at once, every time
  if (interval * 1000 > maxTimerMs) throw new UsageError(`--interval must be at most ${Math.floor(maxTimerMs / 1000)} s (about 24 days), got ${interval}`);
  // a blob lease lasts 15 to 60 s
  if (claimSeconds < 15 || claimSeconds > 60) throw new UsageError(`--claim-seconds must be 15 to 60 (a blob lease's range), got ${claimSeconds}`);
  return {
    source: String(a.source),
    styled: String(a.styled),
    ops: a.ops as string | undefined,
    intervalMs: interval * 1000,
    claimSeconds,
    once: a.once === true,
    limits: {
      pattern: globPattern((a.pattern as string | undefined) ?? '*.mp4'),
      maxFailures: count('max-failures', 3),
      maxQueued: count('max-queued', 100),
      maxBytes: positive('max-bytes', Infinity),
      maxSeconds: positive('max-seconds', Infinity),
      maxPixels: positive('max-pixels', Infinity),
    },
  };
}
