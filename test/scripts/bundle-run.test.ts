import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rootDir } from '../support/cli.js';

// scripts/bundle/run.cjs runs a bundle through V8's code cache, in a real Node process each time
const runner = join(rootDir, 'scripts/bundle/run.cjs');

function run(bundle: string): { stdout: string; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(runner)}).runBundle(${JSON.stringify(bundle)})`], { encoding: 'utf8' });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr };
}

/** A bundle that prints `word`; `over`: whether it says its start-up is over (common/code-cache.ts) before it ends. */
function bundleSaying(dir: string, word: string, second: number, over = true): string {
  const file = join(dir, 'b.cjs');
  // a shebang, module-scope names and a relative require, as a real bundle has
  const startupOver = over ? `globalThis[Symbol.for('stylerun.startupOver')]?.();\n` : '';
  writeFileSync(file, `#!/usr/bin/env node\nconst { basename } = require('node:path');\nfunction say() { return ${JSON.stringify(word)}; }\nconsole.log(say(), basename(__filename), module.filename === __filename);\n${startupOver}`);
  utimesSync(file, second, second);
  return file;
}

describe('running a bundle through the code cache (scripts/bundle/run.cjs)', () => {
  it('runs the bundle as a module and leaves its compiled code beside it for the next start', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-bundle-'));
    const bundle = bundleSaying(dir, 'first', 1000);
    expect(run(bundle).stdout).toBe('first b.cjs true\n');
    expect(existsSync(`${bundle}.v8cache`)).toBe(true);
    const made = statSync(`${bundle}.v8cache`).mtimeMs;
    expect(run(bundle).stdout).toBe('first b.cjs true\n');
    expect(statSync(`${bundle}.v8cache`).mtimeMs).toBe(made); // taken, not made again
  });

  it('leaves no compiled code from a process that ends before its start-up is over (an error, a question)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-bundle-'));
    const bundle = bundleSaying(dir, 'early', 1000, false);
    expect(run(bundle).stdout).toBe('early b.cjs true\n');
    expect(existsSync(`${bundle}.v8cache`)).toBe(false);
    // the next, whole start writes it
    bundleSaying(dir, 'whole', 1000);
    expect(run(bundle).stdout).toBe('whole b.cjs true\n');
    expect(existsSync(`${bundle}.v8cache`)).toBe(true);
  });

  it('writes its compiled code once, however often a process says its start-up is over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-bundle-'));
    const file = join(dir, 'b.cjs');
    writeFileSync(file, `const over = globalThis[Symbol.for('stylerun.startupOver')];\nover();\nconst fs = require('node:fs');\nconst first = fs.statSync(__filename + '.v8cache').mtimeMs;\nfs.rmSync(__filename + '.v8cache');\nover();\nconsole.log(fs.existsSync(__filename + '.v8cache'), first > 0);\n`);
    expect(run(file).stdout).toBe('false true\n');
  });

  it('never runs compiled code of an older bundle of the same length', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-bundle-'));
    const bundle = bundleSaying(dir, 'older', 1000);
    run(bundle);
    utimesSync(`${bundle}.v8cache`, 1500, 1500);
    // V8 checks a cache against the source's length alone: the same length, new words, a newer file
    bundleSaying(dir, 'newer', 2000);
    expect(run(bundle).stdout).toBe('newer b.cjs true\n');
  });

  it('runs uncached where it may not write (a read-only install)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-bundle-'));
    const bundle = bundleSaying(dir, 'readonly', 1000);
    chmodSync(dir, 0o555);
    // root writes anywhere, so the run is another user's, for whom the folder is read-only
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(runner)}).runBundle(${JSON.stringify(bundle)})`], { encoding: 'utf8', uid: process.getuid?.() === 0 ? 65534 : undefined });
    chmodSync(dir, 0o755);
    expect(r.stdout).toBe('readonly b.cjs true\n');
    expect(r.status).toBe(0);
    expect(existsSync(`${bundle}.v8cache`)).toBe(false);
    expect(readFileSync(bundle, 'utf8')).toContain('readonly');
  });
});
