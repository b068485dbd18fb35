// yargs reads an empty value of a number flag (`--max-restarts ""`, `--timeout=`, what `--timeout "$T"` gives with T
// unset) as 0: a valid value for some flags, so the mistake would pass unseen. It is refused here, from the raw
// arguments, with the flag's name.

/** The number flags yargs knows (its getOptions()): their keys and each key's aliases. */
export interface NumberFlags {
  number: readonly string[];
  alias: Readonly<Record<string, readonly string[]>>;
}

/** The one-line complaint about the first number flag given an empty value in `args`, or undefined. */
export function emptyNumberFlag(args: readonly string[], flags: NumberFlags): string | undefined {
  const numbers = new Set(flags.number.flatMap((k) => [k, ...(flags.alias[k] ?? [])]));
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const m = /^--?([^=]+)(=(.*))?$/.exec(arg);
    if (!m || !numbers.has(m[1]!)) continue;
    const value = m[2] !== undefined ? m[3] : args[i + 1];
    if (value !== undefined && value.trim() === '') return `${arg.replace(/=.*$/, '')} was given an empty value: give a number`;
  }
  return undefined;
}
