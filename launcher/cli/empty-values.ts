// A flag given an empty value is a mistake, most often a variable that is not set (`--resume "$JOB"`,
// `--timeout "$T"`). yargs reads an empty number as 0 (a valid value for --max-restarts) and most code an empty
// string as the flag left out (`--resume ""` then ran a whole new job over the output). Refused here, from the raw
// arguments, with the flag's name.

/** The flags yargs knows (its getOptions()): those that take a number or a string, and each key's aliases. */
export interface ValueFlags {
  number: readonly string[];
  string: readonly string[];
  alias: Readonly<Record<string, readonly string[]>>;
}

/** The one-line complaint about the first flag given an empty (or blank) value in `args`, or undefined. */
export function emptyValueFlag(args: readonly string[], flags: ValueFlags): string | undefined {
  const withAliases = (keys: readonly string[]) => new Set(keys.flatMap((k) => [k, ...(flags.alias[k] ?? [])]));
  const [numbers, strings] = [withAliases(flags.number), withAliases(flags.string)];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') break;
    const m = /^--?([^=]+)(=(.*))?$/.exec(arg);
    if (!m) continue;
    const name = m[1]!;
    if (!numbers.has(name) && !strings.has(name)) continue;
    const value = m[2] !== undefined ? m[3] : args[i + 1];
    // a string flag's value follows it whatever it is; skip that value, which may itself look like a flag
    if (m[2] === undefined) i++;
    if (value === undefined || value.trim() !== '') continue;
    // --hostfile FILE reaches yargs as a hidden flag of its own name (cli.ts)
    const flag = arg.replace(/=.*$/, '').replace(/^--hostfile-flag$/, '--hostfile');
    return `${flag} was given an empty value (a variable not set?): give ${numbers.has(name) ? 'a number' : 'a value'}, or leave the flag out`;
  }
  return undefined;
}
