import { describe, expect, it } from 'vitest';
import { emptyValueFlag } from '../../../launcher/cli/empty-values.js';

describe('an empty flag value', () => {
  const flags = { number: ['n', 'max-restarts', 'timeout'], string: ['resume', 'host', 'hostfile-flag', 'input'], alias: { n: ['np'], input: ['i'] } };
  const said = (flag: string, what = 'a number') => `${flag} was given an empty value (a variable not set?): give ${what}, or leave the flag out`;

  it('is found as the next argument or after =, by the flag or its alias, for numbers and strings', () => {
    expect(emptyValueFlag(['--max-restarts', ''], flags)).toBe(said('--max-restarts'));
    expect(emptyValueFlag(['--timeout=', 'x'], flags)).toBe(said('--timeout'));
    expect(emptyValueFlag(['--np', '  '], flags)).toBe(said('--np'));
    expect(emptyValueFlag(['--resume', ''], flags)).toBe(said('--resume', 'a value'));
    expect(emptyValueFlag(['-i='], flags)).toBe(said('-i', 'a value'));
    expect(emptyValueFlag(['--hostfile-flag', ''], flags)).toBe(said('--hostfile', 'a value'));
  });

  it('leaves alone given values (one that looks like a flag too), unknown flags, a flag last, and what follows --', () => {
    expect(emptyValueFlag(['--max-restarts', '0', '-n', '2', '--timeout=5', '--resume', 'ab12cd34'], flags)).toBeUndefined();
    expect(emptyValueFlag(['--input', '--timeout', ''], flags)).toBeUndefined();
    expect(emptyValueFlag(['--quiet', '', '--other='], flags)).toBeUndefined();
    expect(emptyValueFlag(['--input', 'a.mp4', '-n'], flags)).toBeUndefined();
    expect(emptyValueFlag(['--', '--timeout', ''], flags)).toBeUndefined();
  });
});
