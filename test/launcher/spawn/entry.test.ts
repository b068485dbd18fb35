import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleIsCurrent, rankEntries, resolveEntry } from '../../../launcher/spawn/entry.js';

/** A dist/ folder holding the given files, each modified at the given second. */
function distWith(files: Partial<Record<keyof typeof rankEntries, number>>): string {
  const dist = mkdtempSync(join(tmpdir(), 'stylerun-entry-'));
  for (const [key, second] of Object.entries(files)) {
    const path = join(dist, rankEntries[key as keyof typeof rankEntries]);
    mkdirSync(join(path, '..'), { recursive: true });
    writeFileSync(path, '');
    utimesSync(path, second, second);
  }
  return dist;
}

describe('which file a rank process starts', () => {
  it('takes a bundle as new as the compiled code, or newer', () => {
    expect(bundleIsCurrent(2000, 1000)).toBe(true);
    expect(bundleIsCurrent(1000, 1000)).toBe(true);
    expect(bundleIsCurrent(1000, undefined)).toBe(true);
  });

  it('passes over a bundle older than the compiled code, and a missing one', () => {
    expect(bundleIsCurrent(999, 1000)).toBe(false);
    expect(bundleIsCurrent(undefined, 1000)).toBe(false);
  });

  it('starts the bundled entry when the bundle is current', () => {
    const dist = distWith({ compiled: 1000, bundle: 2000, bundled: 2000 });
    expect(resolveEntry(dist)).toBe(join(dist, 'bundle/rank-main.cjs'));
  });

  it('starts the compiled rank after a compile that did not bundle (tsc alone)', () => {
    const dist = distWith({ compiled: 3000, bundle: 2000, bundled: 2000 });
    expect(resolveEntry(dist)).toBe(join(dist, 'rank/main.js'));
  });

  it('starts the compiled rank where nothing was bundled (no esbuild installed)', () => {
    const dist = distWith({ compiled: 1000 });
    expect(resolveEntry(dist)).toBe(join(dist, 'rank/main.js'));
  });

  it('starts ranks from the bundle after `npm run build`', () => {
    expect(resolveEntry()).toMatch(/dist\/bundle\/rank-main\.cjs$/);
  });
});
