// The package's own root folder, from the built (dist/) or the source location alike.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding stylerun's package.json (found by its name, so no other package.json can pass). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'stylerun') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the stylerun package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
