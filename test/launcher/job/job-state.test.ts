import { describe, expect, it } from 'vitest';
import { canMove, JobStateMachine, type JobState } from '../../../launcher/job/job-state.js';
import { logJobEvents } from '../../../launcher/job/log-events.js';
import { createLogger } from '../../../common/log.js';
import type { JobEvent } from '../../../launcher/job/events.js';
import { applyJobEvent, type JobView } from '../../../launcher/job/job-view.js';

describe('the job state', () => {
  it('moves checking -> styling -> gathering -> succeeded, and to failed from any unfinished state', () => {
    expect(canMove('checking', 'styling')).toBe(true);
    expect(canMove('styling', 'gathering')).toBe(true);
    expect(canMove('gathering', 'succeeded')).toBe(true);
    for (const s of ['checking', 'styling', 'gathering'] as JobState[]) expect(canMove(s, 'failed')).toBe(true);
  });

  it('refuses to skip the styling step or to leave a finished state', () => {
    expect(canMove('checking', 'gathering')).toBe(false);
    expect(canMove('succeeded', 'failed')).toBe(false);
    expect(canMove('failed', 'styling')).toBe(false);
  });

  it('tells every move to its listener and throws on an illegal one', () => {
    const moves: string[] = [];
    const m = new JobStateMachine((from, to, why) => moves.push(`${from}->${to}: ${why}`));
    m.transition('styling', '10 frames to style');
    expect(() => m.transition('succeeded', 'too soon')).toThrow('illegal job state move styling -> succeeded (too soon)');
    expect(m.state).toBe('styling');
    expect(moves).toEqual(['checking->styling: 10 frames to style']);
  });
});

describe('the job log, read from events', () => {
  it('says why an attempt failed, and which slots a shrink left out', () => {
    const lines: string[] = [];
    const listen = logJobEvents(createLogger('stylerun', (l) => lines.push(l.trim())));
    listen({ kind: 'attempt-started', attempt: 2, maxAttempts: 4, ranks: 2, framesToStyle: 50, totalFrames: 100, framesRedone: 10, leftOutSlots: [1], shares: [] });
    listen({ kind: 'attempt-failed', attempt: 2, rootCause: 'rank 0 on host: process exited with code 3', willRerun: true });
    expect(lines).toEqual([
      '[stylerun] attempt 2 of 4: 2 ranks, 50 of 100 frames to style (10 redone)',
      '[stylerun] warn: left out slot(s) 1 after consecutive failures',
      '[stylerun] warn: attempt 2 failed; root cause: rank 0 on host: process exited with code 3',
    ]);
  });
});

describe('the job view the Status call reports', () => {
  it('follows the state, the attempt and the committed frames from the events alone', () => {
    let view: JobView = { jobState: 'checking', attempt: 0, totalFrames: 0, committedFrames: 0 };
    const events: JobEvent[] = [
      { kind: 'job-started', jobId: 'j', workDir: '/w', totalFrames: 100, committedFrames: 20, resumed: true },
      { kind: 'state', from: 'checking', to: 'styling', why: '80 frames to style' },
      { kind: 'attempt-started', attempt: 1, maxAttempts: 4, ranks: 2, framesToStyle: 80, totalFrames: 100, framesRedone: 0, leftOutSlots: [], shares: [] },
      { kind: 'chunk-committed', attempt: 1, rank: 0, start: 20, count: 32, committedFrames: 52 },
      { kind: 'progress', attempt: 1, doneFrames: 60, totalFrames: 100, byRank: [20, 20] },
    ];
    for (const e of events) view = applyJobEvent(view, e);
    expect(view).toEqual({ jobState: 'styling', attempt: 1, totalFrames: 100, committedFrames: 52 });
  });
});
