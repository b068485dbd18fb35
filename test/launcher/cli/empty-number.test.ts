import { describe, expect, it } from 'vitest';
import { emptyNumberFlag } from '../../../launcher/cli/empty-number.js';

describe('an empty number value', () => {
  const flags = { number: ['n', 'max-restarts', 'timeout'], alias: { n: ['np'] } };

  it('is found as the next argument or after =, by the flag or its alias', () => {
    expect(emptyNumberFlag(['--max-restarts', ''], flags)).toBe('--max-restarts was given an empty value: give a number');
    expect(emptyNumberFlag(['--timeout=', 'x'], flags)).toBe('--timeout was given an empty value: give a number');
    expect(emptyNumberFlag(['--np', '  '], flags)).toBe('--np was given an empty value: give a number');
  });

  it('leaves alone numbers, string flags given nothing, a number flag last, and what follows --', () => {
    expect(emptyNumberFlag(['--max-restarts', '0', '-n', '2', '--timeout=5'], flags)).toBeUndefined();
    expect(emptyNumberFlag(['--host', '', '--output-dir='], flags)).toBeUndefined();
    expect(emptyNumberFlag(['--input', 'a.mp4', '-n'], flags)).toBeUndefined();
    expect(emptyNumberFlag(['--', '--timeout', ''], flags)).toBeUndefined();
  });
});
