// The end of a process's start-up, for V8's code cache (scripts/bundle/run.cjs): a process run from a bundle
// without a usable cache writes one then, holding what its start compiled, for every later start to take.
// Elsewhere (the compiled modules, tests) there is no cache and this does nothing.

const startupOverHook = Symbol.for('stylerun.startupOver');

/** Says that this process's start-up is over: a rank once ready, the launcher once its ranks are. Idempotent. */
export function startupOver(): void {
  const hook = (globalThis as Record<symbol, unknown>)[startupOverHook];
  if (typeof hook === 'function') hook();
}
