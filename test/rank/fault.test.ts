import { describe, expect, it } from 'vitest';
import { type Fault, dueFault, parseFaults } from '../../rank/fault.js';

describe('parseFaults', () => {
  it('reads several faults separated by semicolons', () => {
    expect(parseFaults('rank=1,attempt=1,after=40,action=crash; rank=0,attempt=2,after=0,action=hang;rank=3,after=7,action=preempt')).toEqual([
      { rank: 1, attempt: 1, afterFrames: 40, action: 'crash' },
      { rank: 0, attempt: 2, afterFrames: 0, action: 'hang' },
      { rank: 3, attempt: undefined, afterFrames: 7, action: 'preempt' },
    ]);
  });

  it('fires on every attempt when the attempt is left out', () => {
    const [fault] = parseFaults('rank=2,after=5,action=exit');
    expect(fault.attempt).toBeUndefined();
  });

  it('accepts the fields in any order, with spaces around them, and a trailing semicolon', () => {
    expect(parseFaults(' action=exit , after=3 , rank=4 ;')).toEqual([{ rank: 4, attempt: undefined, afterFrames: 3, action: 'exit' }]);
  });

  it.each([undefined, '', '   '])('reads %j as no faults', (text) => {
    expect(parseFaults(text)).toEqual([]);
  });

  it('refuses an unknown action, naming the spec', () => {
    expect(() => parseFaults('rank=1,after=4,action=crash;rank=2,after=4,action=explode')).toThrow(
      'STYLERUN_FAULT: action must be one of crash|exit|hang|preempt in "rank=2,after=4,action=explode"',
    );
  });

  it('refuses a spec with no action', () => {
    expect(() => parseFaults('rank=1,after=4')).toThrow(/action must be one of .* in "rank=1,after=4"/);
  });

  it.each([
    ['rank=one,after=4,action=crash', 'rank'],
    ['rank=-1,after=4,action=crash', 'rank'],
    ['rank=1,after=2.5,action=crash', 'after'],
    ['rank=1,after=4,attempt=x,action=crash', 'attempt'],
    ['after=4,action=crash', 'rank'],
    ['rank=1,action=crash', 'after'],
  ])('refuses %s, naming the bad %s and the spec', (spec, key) => {
    expect(() => parseFaults(spec)).toThrow(`STYLERUN_FAULT: bad ${key} in "${spec}"`);
  });
});

describe('dueFault', () => {
  const faults: Fault[] = [
    { rank: 1, attempt: 1, afterFrames: 40, action: 'crash' },
    { rank: 1, attempt: 2, afterFrames: 10, action: 'exit' },
    { rank: 2, afterFrames: 5, action: 'hang' },
  ];

  it('fires nothing before the rank has done enough frames', () => {
    expect(dueFault(faults, 1, 1, 39)).toBeUndefined();
  });

  it('fires once the rank has done exactly the given number of frames, and after', () => {
    expect(dueFault(faults, 1, 1, 40)).toBe(faults[0]);
    expect(dueFault(faults, 1, 1, 41)).toBe(faults[0]);
  });

  it('picks the fault for the current attempt', () => {
    expect(dueFault(faults, 1, 2, 10)).toBe(faults[1]);
    expect(dueFault(faults, 1, 3, 100)).toBeUndefined();
  });

  it('fires a fault without an attempt on every attempt', () => {
    expect(dueFault(faults, 2, 1, 5)).toBe(faults[2]);
    expect(dueFault(faults, 2, 7, 5)).toBe(faults[2]);
  });

  it('fires nothing for a rank that has no fault', () => {
    expect(dueFault(faults, 0, 1, 1000)).toBeUndefined();
  });

  it('fires nothing when there are no faults', () => {
    expect(dueFault([], 0, 1, 0)).toBeUndefined();
  });
});
