#!/usr/bin/env node
// The `stylerun` bin. `.npmrc` sets ignore-scripts, so `npm ci` builds nothing and dist/ may
// be missing on a fresh clone; this shim builds it (the same four steps as `npm run build`: tsc, the assets, the
// built-in styles made from ml5 checkpoints, the bundles) when it is missing or older than a source, then runs
// the CLI: bundled and through V8's code cache (scripts/bundle/) where the bundle is current, else as compiled.
// Plain JavaScript, committed, because it must run before any build.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { staleMl5Styles } from '../scripts/build-ml5-styles.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const cli = join(root, 'dist/launcher/cli/cli.js');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const bundle = join(root, 'dist/bundle/cli.cjs');
const bundler = join(root, 'node_modules/esbuild/package.json');

/** Newest modification time (ms) of a .ts or .proto file under the folders tsconfig.json compiles. */
function newestSourceMs() {
  const include = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8')).include;
  const folders = new Set(include.map((glob) => glob.split('/')[0]));
  let newest = statSync(join(root, 'tsconfig.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.(ts|proto)$/.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  for (const folder of folders) if (existsSync(join(root, folder))) walk(join(root, folder));
  return newest;
}

function isStale() {
  return !existsSync(cli) || statSync(cli).mtimeMs < newestSourceMs();
}

function run(args) {
  // stdout carries the CLI's summary, so the build talks on stderr only
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 2, 2] });
  return r.status === 0;
}

function buildFailed() {
  process.stderr.write('stylerun: error: the build failed (see above); fix it and run again\n');
  process.exit(1);
}

if (!existsSync(tsc)) {
  // dev dependencies omitted: an existing build is used as it is
  if (!existsSync(cli)) {
    process.stderr.write('stylerun: error: dist/ is not built and TypeScript is not installed; run `npm ci`, then `npm run build`\n');
    process.exit(1);
  }
} else if (isStale()) {
  process.stderr.write('stylerun: building dist/ from the TypeScript sources\n');
  if (!run([tsc, '-p', 'tsconfig.json']) || !run(['scripts/copy-assets.mjs']) || !run(['scripts/build-ml5-styles.mjs'])) buildFailed();
}
/** Whether dist/bundle/ was made from the compiled code as it is now. */
const bundleCurrent = () => existsSync(bundle) && statSync(bundle).mtimeMs >= statSync(cli).mtimeMs;
if (!bundleCurrent() && existsSync(bundler) && !run(['scripts/bundle/bundle.mjs'])) buildFailed();
// compiled code up to date (or no TypeScript to rebuild it) but a style model missing or older than its checkpoint
if (staleMl5Styles(root).length > 0) {
  process.stderr.write('stylerun: building the built-in styles from their ml5 checkpoints\n');
  if (!run(['scripts/build-ml5-styles.mjs'])) buildFailed();
}
if (bundleCurrent()) createRequire(import.meta.url)('../dist/bundle/run.cjs').runBundle(bundle);
else await import(pathToFileURL(cli).href);
