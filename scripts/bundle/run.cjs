// Runs one of dist/bundle's bundles through V8's code cache. Plain CommonJS, committed, because it runs
// before anything else: a rank's or the launcher's start-up is mostly compiling JavaScript, and a cached
// compile makes each process start in about half the CPU time (BENCHMARKS.md, "Launch to barrier").
// The cache sits beside the bundle it belongs to, in the same trust domain as the code: never in a shared
// temporary folder, where another user could plant one. V8 rejects a cache made by another Node version or
// with other flags; the process then compiles as usual and writes a fresh one once its start-up is over. No
// cache yet, or a read-only install: compiled as usual.
'use strict';
const { readFileSync, renameSync, rmSync, statSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/** Runs `file`, a CommonJS bundle, as the main program; `file + '.v8cache'` holds its compiled code. */
function runBundle(file) {
  const cacheFile = `${file}.v8cache`;
  // a shebang line is no JavaScript inside the module wrapper; blanked, so line numbers stay
  const source = readFileSync(file, 'utf8').replace(/^#!.*/, '');
  // V8 checks a cache against the source's length only, so one older than its bundle is never used: the
  // bundle step deletes the old caches too, this guards a bundle replaced by other means
  const cacheMs = statSync(cacheFile, { throwIfNoEntry: false })?.mtimeMs;
  const cachedData = cacheMs !== undefined && cacheMs >= statSync(file).mtimeMs ? readFileSync(cacheFile) : undefined;
  // no importModuleDynamically: code taken from the cache loses it (Node 20), so the build keeps import() out
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  let toWrite = cachedData === undefined || script.cachedDataRejected;
  // Written when the process says its start-up is over (common/code-cache.ts: a rank once ready, the launcher
  // once its ranks are), so that it holds every function the start compiled, not just the top level. Not on
  // exit: by the end of a long job V8 has flushed the bytecode of functions run only at the start (a cache
  // written then made every later start ~0.2 s slower at -n 8), and a process that ends early (an error, a
  // question) would leave a cache of its own short path, kept for good since a cache is only made where
  // none is taken.
  globalThis[Symbol.for('stylerun.startupOver')] = () => {
    if (!toWrite) return;
    toWrite = false;
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    try {
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile); // ranks that start together each write whole files; the last one stays
    } catch {
      rmSync(tmp, { force: true }); // a read-only install runs uncached
    }
  };
  const mod = new Module(file, module);
  mod.filename = file;
  mod.paths = Module._nodeModulePaths(dirname(file));
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, dirname(file));
}

module.exports = { runBundle };
