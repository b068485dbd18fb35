import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The options a help text lists (its "Options:" section), without yargs' own --help and --version. */
async function helpOptions(args: string[]): Promise<string[]> {
  const r = await runCli([...args, '--help']);
  expect(r.code, r.stderr).toBe(0);
  const options = r.stdout.split('\nOptions:\n')[1] ?? '';
  // the job's positional may be given as an option too (`--hostfile FILE`); a subcommand's names its argument
  const positionals = args.length > 0 ? [] : [...(r.stdout.split('\nPositionals:\n')[1]?.split('\n\n')[0] ?? '').matchAll(/^ {2}([\w-]+) /gm)].map((m) => `--${m[1]}`);
  // "  -n, --np   ...", "      --tls   ...", "  -x   ...": an option's alias and its name open its line
  const named = [...options.matchAll(/^ {2}(?:(-\w), | {4})?(--[\w-]+|-\w)(?= )/gm)].flatMap((m) => (m[1] ? [m[1], m[2]!] : [m[2]!]));
  return [...positionals, ...named].filter((o) => o !== '--help' && o !== '--version');
}

/** The options the README's command reference table names (its first column). */
function readmeTableOptions(): string[] {
  const table = readme.split('## Command reference')[1]!.split('\n## ')[0]!;
  return table.split('\n').filter((l) => l.startsWith('| `')).flatMap((l) => [...l.split('|')[1]!.matchAll(/(?<![\w-])(--[\w-]+|-\w)\b/g)].map((m) => m[1]!));
}

// stylerun --help and each subcommand's help against the README: every option in one is in the other.
describe('the help and the README', () => {
  it('agree on every option of a job: each in the help is in the command reference, and each there is in the help', async () => {
    const help = await helpOptions([]);
    const table = readmeTableOptions();
    expect(help.filter((o) => !table.includes(o))).toEqual([]);
    expect(table.filter((o) => !help.includes(o))).toEqual([]);
  });

  it('list every subcommand in the README’s synopsis, and each subcommand’s options in the README', async () => {
    const synopsis = readme.split('## Command reference')[1]!.split('```')[1]!;
    const r = await runCli(['--help']);
    const commands = [...r.stdout.matchAll(/^ {2}stylerun (\w[\w-]*)/gm)].map((m) => m[1]!);
    expect(commands.sort()).toEqual(['demo', 'models', 'report', 'status', 'watch']);
    for (const c of commands) expect(synopsis).toContain(`stylerun ${c}`);
    for (const sub of [['demo'], ['status'], ['report'], ['watch'], ['models', 'import-ml5']]) {
      const global = new Set(await helpOptions([]));
      for (const o of await helpOptions(sub)) {
        if (global.has(o)) continue;
        expect(readme, `${sub.join(' ')} ${o}`).toMatch(new RegExp(`\`[^\`]*${o.replace(/[-]/g, '\\-')}\\b[^\`]*\``));
      }
    }
  });
});
