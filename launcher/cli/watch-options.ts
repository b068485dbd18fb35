// `stylerun watch`'s own options, checked and defaulted once (the job options are the job's).
import { UsageError } from '../../common/errors/usage-error.js';
import { globPattern } from '../watch/watch-decisions.js';
import type { WatchOptions } from '../watch/watch.js';

/** The watch options from parsed arguments; a UsageError (exit 2) for the first bad one. */
export function watchOptions(a: Record<string, unknown>): WatchOptions {
  const positive = (name: string, fallback: number): number => {
    const v = a[name];
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !(v > 0)) throw new UsageError(`--${name} must be a number above 0, got ${String(v)}`);
    return v;
  };
  const claimSeconds = positive('claim-seconds', 60);
  // a blob lease lasts 15 to 60 s
  if (claimSeconds < 15 || claimSeconds > 60) throw new UsageError(`--claim-seconds must be 15 to 60 (a blob lease's range), got ${claimSeconds}`);
  return {
    source: String(a.source),
    styled: String(a.styled),
    ops: a.ops as string | undefined,
    intervalMs: positive('interval', 60) * 1000,
    claimSeconds,
    once: a.once === true,
    limits: {
      pattern: globPattern((a.pattern as string | undefined) ?? '*.mp4'),
      maxFailures: Math.floor(positive('max-failures', 3)),
      maxQueued: Math.floor(positive('max-queued', 100)),
      maxBytes: positive('max-bytes', Infinity),
      maxSeconds: positive('max-seconds', Infinity),
      maxPixels: positive('max-pixels', Infinity),
    },
  };
}
