// A flag given twice. yargs turns it into an array of both values, which the code that expects one value
// would take apart or turn into text ("-n must be a positive integer, got 1,2"; an internal error for two
// --input paths). Only mpirun's -x is meant to repeat (once per variable); any other repeat is refused with
// exit code 2, as a command line whose meaning is not clear.

/** Flags the command line may give more than once: mpirun's `-x VAR`, once per variable. */
export const repeatableFlags: ReadonlySet<string> = new Set(['x']);

/**
 * The first flag of yargs's parse given more than once, as a one-line message, or undefined. yargs keeps the
 * values under each of a flag's names (aliases, camelCase copies): the message uses the longest kebab-case one
 * (`--host`, not `-H`; `--work-dir`, not `workDir`).
 */
export function repeatedFlag(parsed: Readonly<Record<string, unknown>>, repeatable: ReadonlySet<string> = repeatableFlags): string | undefined {
  const repeated = Object.entries(parsed).filter(
    (e): e is [string, unknown[]] => e[0] !== '_' && e[0] !== '$0' && !/[A-Z]/.test(e[0]) && !repeatable.has(e[0]) && Array.isArray(e[1]),
  );
  const first = repeated[0];
  if (!first) return undefined;
  const values = first[1];
  const same = (v: unknown[]) => v.length === values.length && v.every((x, i) => x === values[i]);
  const key = repeated.filter(([, v]) => same(v)).map(([k]) => k).reduce((a, b) => (b.length > a.length ? b : a));
  return `${flagName(key)} was given ${values.length} times (${values.map(String).join(', ')}): give it once`;
}

function flagName(key: string): string {
  // --hostfile FILE reaches yargs as a hidden flag of its own name (cli.ts)
  const given = key === 'hostfile-flag' ? 'hostfile' : key;
  return given.length === 1 ? `-${given}` : `--${given}`;
}
