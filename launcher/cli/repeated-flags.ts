// A flag given twice. yargs turns it into an array of both values, which the code that expects one value
// would take apart or turn into text ("-n must be a positive integer, got 1,2"; an internal error for two
// --input paths). Only mpirun's -x is meant to repeat (once per variable); any other repeat is refused with
// exit code 2, as a command line whose meaning is not clear.

/** Flags the command line may give more than once: mpirun's `-x VAR`, once per variable. */
export const repeatableFlags: ReadonlySet<string> = new Set(['x']);

/**
 * The first flag of yargs's parse given more than once, as a one-line message, or undefined. yargs keeps a value
 * under each of a flag's names (aliases, camelCase): the message names the flag as declared, which yargs lists
 * first (`input` before its alias `i`, `work-dir` before `workDir`).
 */
export function repeatedFlag(parsed: Readonly<Record<string, unknown>>, repeatable: ReadonlySet<string> = repeatableFlags): string | undefined {
  for (const [key, value] of Object.entries(parsed)) {
    if (key === '_' || key === '$0' || repeatable.has(key) || !Array.isArray(value)) continue;
    return `${flagName(key)} was given ${value.length} times (${value.map(String).join(', ')}): give it once`;
  }
  return undefined;
}

function flagName(key: string): string {
  // --hostfile FILE reaches yargs as a hidden flag of its own name (cli.ts)
  const given = key === 'hostfile-flag' ? 'hostfile' : key;
  return given.length === 1 ? `-${given}` : `--${given}`;
}
