// What `stylerun watch` decides on each look at its source, as pure functions of what it saw: which
// uploads wait for a job, which are refused before one (too big, too long, too large a picture), and when
// a failing upload is parked instead of tried again.

/** One upload as the source lists it. */
export interface Upload {
  readonly name: string;
  readonly bytes: number;
  /** When it was last written (ms since the epoch): older uploads go first. */
  readonly modifiedMs: number;
}

/** What the ops store knows of an upload. */
export type UploadRecord = { readonly kind: 'done' } | { readonly kind: 'parked' } | { readonly kind: 'failed'; readonly failures: number };

/** Limits on what one upload may ask of the watcher (flood bounds). */
export interface WatchLimits {
  readonly pattern: RegExp;
  /** Uploads that fail this many times are parked with their error. */
  readonly maxFailures: number;
  /** At most this many uploads wait at once; the others wait for a later look. */
  readonly maxQueued: number;
  readonly maxBytes: number;
  readonly maxSeconds: number;
  readonly maxPixels: number;
}

/** A shell-style pattern (`*.mp4`, `clip-??.mov`) as a regular expression over a whole name's last part. */
export function globPattern(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`, 'i');
}

/**
 * The uploads to queue, oldest first: matching the pattern, not done, not parked, none of the watcher's
 * own names (its ops records and outputs live under prefixes it ignores), at most `maxQueued`.
 */
export function queuedUploads(listing: readonly Upload[], records: ReadonlyMap<string, UploadRecord>, limits: WatchLimits, ignoredPrefixes: readonly string[]): Upload[] {
  return listing
    .filter((u) => !ignoredPrefixes.some((p) => u.name.startsWith(p)))
    .filter((u) => limits.pattern.test(u.name.split('/').pop() ?? ''))
    .filter((u) => {
      const r = records.get(u.name);
      return !r || r.kind === 'failed';
    })
    .sort((a, b) => a.modifiedMs - b.modifiedMs || a.name.localeCompare(b.name))
    .slice(0, limits.maxQueued);
}

/** Why an upload is refused before any job, or undefined: checked on its size, then on what the probe saw. */
export function refusal(upload: Pick<Upload, 'bytes'>, limits: WatchLimits, probed?: { seconds: number; width: number; height: number }): string | undefined {
  if (upload.bytes > limits.maxBytes) return `${upload.bytes} bytes is more than --max-bytes ${limits.maxBytes}`;
  if (!probed) return undefined;
  if (probed.seconds > limits.maxSeconds) return `${probed.seconds.toFixed(1)} s is longer than --max-seconds ${limits.maxSeconds}`;
  if (probed.width * probed.height > limits.maxPixels) return `${probed.width}x${probed.height} is more than --max-pixels ${limits.maxPixels}`;
  return undefined;
}

/** After a failure: try again later, or park it (it has failed `maxFailures` times). */
export function afterFailure(failuresBefore: number, limits: Pick<WatchLimits, 'maxFailures'>): { failures: number; park: boolean } {
  const failures = failuresBefore + 1;
  return { failures, park: failures >= limits.maxFailures };
}
