import { afterEach, describe, expect, it, vi } from 'vitest';
import { type Logger, createLogger } from '../../../common/log.js';
import { type GroupState, GroupStateMachine, canTransition } from '../../../launcher/coordinator/group-state.js';

interface LogCall {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: Record<string, unknown>;
}

/** A Logger that keeps what it was told, at every level (createLogger would drop debug below STYLERUN_LOG_LEVEL). */
function recordingLogger(calls: LogCall[] = []): Logger & { calls: LogCall[] } {
  const at = (level: LogCall['level']) => (msg: string, fields?: Record<string, unknown>) => void calls.push({ level, msg, fields });
  return { calls, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => recordingLogger(calls), setContext: () => {} };
}

/** A machine walked along `path` from init. */
function machineAt(path: GroupState[]): GroupStateMachine {
  const machine = new GroupStateMachine(recordingLogger());
  for (const to of path) machine.transition(to);
  return machine;
}

describe('GroupStateMachine', () => {
  it('starts in init', () => {
    expect(new GroupStateMachine(recordingLogger()).state).toBe('init');
  });

  it('walks the success path init -> rendezvous -> running -> succeeded', () => {
    const machine = new GroupStateMachine(recordingLogger());
    const seen: GroupState[] = [];
    for (const to of ['rendezvous', 'running', 'succeeded'] as const) {
      machine.transition(to);
      seen.push(machine.state);
    }
    expect(seen).toEqual(['rendezvous', 'running', 'succeeded']);
  });

  it('walks the failure path running -> stopping -> failed', () => {
    const machine = machineAt(['rendezvous', 'running']);
    machine.transition('stopping', 'rank 1 exited');
    expect(machine.state).toBe('stopping');
    machine.transition('failed');
    expect(machine.state).toBe('failed');
  });

  it.each<[GroupState[], GroupState]>([
    [[], 'stopping'],
    [['rendezvous'], 'stopping'],
  ])('can stop from %j', (path, to) => {
    const machine = machineAt(path);
    machine.transition(to);
    expect(machine.state).toBe('stopping');
  });

  it.each<[GroupState[], GroupState]>([
    [[], 'running'],
    [[], 'succeeded'],
    [[], 'failed'],
    [['rendezvous'], 'succeeded'],
    [['rendezvous', 'running'], 'rendezvous'],
    [['rendezvous', 'running', 'succeeded'], 'stopping'],
    [['rendezvous', 'running', 'stopping', 'failed'], 'rendezvous'],
    [['rendezvous', 'running', 'stopping'], 'running'],
    [['rendezvous', 'running', 'stopping'], 'stopping'],
  ])('refuses the illegal move after %j to %s and stays put', (path, to) => {
    const machine = machineAt(path);
    const before = machine.state;
    expect(() => machine.transition(to)).toThrow(`illegal group state move ${before} -> ${to}`);
    expect(machine.state).toBe(before);
  });

  it('logs every move at debug with its reason, and nothing for a refused move', () => {
    const log = recordingLogger();
    const machine = new GroupStateMachine(log);
    machine.transition('rendezvous', '4 ranks started');
    machine.transition('running', 'all ranks ready');
    expect(() => machine.transition('failed', 'skipping stopping')).toThrow();
    expect(log.calls).toEqual([
      { level: 'debug', msg: 'group init -> rendezvous', fields: { why: '4 ranks started' } },
      { level: 'debug', msg: 'group rendezvous -> running', fields: { why: 'all ranks ready' } },
    ]);
  });
});

describe('GroupStateMachine with the real logger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes each move as a tagged debug line when STYLERUN_LOG_LEVEL is debug', () => {
    vi.stubEnv('STYLERUN_LOG_LEVEL', 'debug');
    const lines: string[] = [];
    const machine = new GroupStateMachine(createLogger('launcher', (line) => lines.push(line)));
    machine.transition('rendezvous', '2 ranks started');
    machine.transition('stopping');
    expect(lines).toEqual(['[launcher] debug: group init -> rendezvous why="2 ranks started"\n', '[launcher] debug: group rendezvous -> stopping\n']);
  });
});

describe('canTransition', () => {
  const states: GroupState[] = ['init', 'rendezvous', 'running', 'stopping', 'succeeded', 'failed'];

  it('allows exactly the moves of the documented state set', () => {
    const legal = states.flatMap((from) => states.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`));
    expect(legal).toEqual([
      'init->rendezvous',
      'init->stopping',
      'rendezvous->running',
      'rendezvous->stopping',
      'running->stopping',
      'running->succeeded',
      'stopping->failed',
    ]);
  });
});
