import yargs from 'yargs';
import { describe, expect, it } from 'vitest';
import { repeatedFlag } from '../../../launcher/cli/repeated-flags.js';

// parsed as the CLI's yargs parses them: aliases, camelCase copies and array-valued repeats included
function parse(argv: string[]): Record<string, unknown> {
  return yargs(argv)
    .option('n', { alias: 'np', type: 'number' })
    .option('input', { alias: 'i', type: 'string' })
    .option('host', { alias: 'H', type: 'string' })
    .option('work-dir', { type: 'string' })
    .option('hostfile-flag', { type: 'string', hidden: true })
    .option('verbose', { alias: 'v', type: 'boolean' })
    .option('x', { type: 'string' })
    .parseSync() as Record<string, unknown>;
}

describe('a flag given twice', () => {
  it.each([
    [['--input', 'a.mp4', '--input', 'b.mp4'], '--input was given 2 times (a.mp4, b.mp4): give it once'],
    [['--input', 'a.mp4', '-i', 'b.mp4', '-i', 'c.mp4'], '--input was given 3 times (a.mp4, b.mp4, c.mp4): give it once'],
    [['-n', '1', '--np', '2'], '--np was given 2 times (1, 2): give it once'],
    [['-H', 'a', '--host', 'b'], '--host was given 2 times (a, b): give it once'],
    [['-i', 'a.mp4', '-i', 'b.mp4'], '--input was given 2 times (a.mp4, b.mp4): give it once'],
    [['--work-dir', 'w', '--work-dir', 'v'], '--work-dir was given 2 times (w, v): give it once'],
    [['--hostfile-flag', 'a.txt', '--hostfile-flag', 'b.txt'], '--hostfile was given 2 times (a.txt, b.txt): give it once'],
  ])('%j is refused: %s', (argv, message) => {
    expect(repeatedFlag(parse(argv))).toBe(message);
  });

  it('is fine for -x, once per variable, and for a switch given twice', () => {
    expect(repeatedFlag(parse(['-x', 'A', '-x', 'B=1', '-v', '-v', '--input', 'a.mp4', '-n', '2']))).toBeUndefined();
  });
});
