// Which file a rank process starts. The build bundles the rank into one file run through V8's code cache
// (scripts/bundle/): a rank then starts in about half the CPU time, which is most of the launch-to-barrier
// time when many ranks share few cores. The compiled modules stay the fallback: an install without the
// bundler, or a bundle older than the code it was made from (a `tsc` run without the bundle step).
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The install's dist/ folder: this file's own when it runs compiled, the build's when tests run sources. */
function distDir(): string {
  const here = fileURLToPath(import.meta.url);
  return fileURLToPath(new URL(here.endsWith('.js') ? '../..' : '../../dist', import.meta.url));
}

/** Files under dist/: the bundled rank's entry, the bundle it runs, and the compiled rank it was made from. */
export const rankEntries = { bundled: 'bundle/rank-main.cjs', bundle: 'bundle/rank.cjs', compiled: 'rank/main.js' } as const;

/** Whether a bundle made at `bundleMs` (undefined: none) may stand for code compiled at `compiledMs`. */
export function bundleIsCurrent(bundleMs: number | undefined, compiledMs: number | undefined): boolean {
  return bundleMs !== undefined && (compiledMs === undefined || bundleMs >= compiledMs);
}

function mtimeMs(path: string): number | undefined {
  return statSync(path, { throwIfNoEntry: false })?.mtimeMs;
}

/** The rank's entry script of this install: the bundled one when it is current, else dist/rank/main.js. */
export function resolveEntry(dist = distDir()): string {
  const current = bundleIsCurrent(mtimeMs(join(dist, rankEntries.bundle)), mtimeMs(join(dist, rankEntries.compiled)));
  return join(dist, current ? rankEntries.bundled : rankEntries.compiled);
}
