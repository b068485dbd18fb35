import { describe, expect, it } from 'vitest';
import type { JobEvent } from '../../../launcher/job/events.js';
import { applyHistoryEvent, emptyHistory, type JobHistory } from '../../../launcher/job/job-history.js';

/** Feeds [ms, event] pairs to the reducer. */
function replay(events: [number, JobEvent][]): JobHistory {
  return events.reduce((h, [ms, e]) => applyHistoryEvent(h, e, ms), emptyHistory());
}

const times = (rank: number) => ({ rank, host: 'vm', executionProvider: 'cpu', frames: 20, decodeMs: 300, inferenceMs: 900, encodeMs: 400, wallMs: 1000 });

describe('the job timeline', () => {
  it('gives each rank of an attempt its ready, styling, chunks and figures, and the gather', () => {
    const h = replay([
      [0, { kind: 'job-started', jobId: 'j', workDir: '/w', totalFrames: 40, committedFrames: 0, resumed: false }],
      [10, { kind: 'attempt-started', attempt: 1, maxAttempts: 4, ranks: 2, framesToStyle: 40, totalFrames: 40, framesRedone: 0, leftOutSlots: [], shares: [] }],
      [400, { kind: 'rank-state', attempt: 1, rank: 1, host: 'vm', state: 'ready', pid: 7, executionProvider: 'cpu', loadMs: 300 }],
      [500, { kind: 'rank-state', attempt: 1, rank: 0, host: 'vm', state: 'ready', pid: 6, executionProvider: 'cpu', device: 'cpu', loadMs: 350 }],
      [510, { kind: 'barrier-passed', attempt: 1, ranks: 2, ms: 500 }],
      [900, { kind: 'chunk-committed', attempt: 1, rank: 0, start: 0, count: 10, committedFrames: 10 }],
      [1400, { kind: 'rank-done', attempt: 1, times: times(0) }],
      [1500, { kind: 'rank-done', attempt: 1, times: times(1) }],
      [1510, { kind: 'state', from: 'styling', to: 'gathering', why: 'every frame committed' }],
      [1800, { kind: 'gathered', output: '/o.mp4', gatherMs: 290 }],
    ]);
    expect(h.attempts).toHaveLength(1);
    const a = h.attempts[0]!;
    expect(a).toMatchObject({ attempt: 1, startedMs: 10, barrierMs: 510, endedMs: 1510, state: 'succeeded' });
    expect(a.lanes.map((l) => l.rank)).toEqual([0, 1]);
    expect(a.lanes[0]).toMatchObject({ host: 'vm', pid: 6, provider: 'cpu', device: 'cpu', readyMs: 500, loadMs: 350, doneMs: 1400, frames: 20, inferenceMs: 900, chunks: [{ atMs: 900, start: 0, count: 10 }] });
    expect(h).toMatchObject({ totalFrames: 40, gatherStartedMs: 1510, gatherMs: 290 });
  });

  it('marks the failed rank with the root cause as finally judged, and starts a new lane set for the rerun', () => {
    const h = replay([
      [0, { kind: 'job-started', jobId: 'j', workDir: '/w', totalFrames: 40, committedFrames: 0, resumed: false }],
      [10, { kind: 'attempt-started', attempt: 1, maxAttempts: 4, ranks: 2, framesToStyle: 40, totalFrames: 40, framesRedone: 0, leftOutSlots: [], shares: [] }],
      [700, { kind: 'rank-state', attempt: 1, rank: 1, host: 'vm', state: 'failed', reason: 'rank 1 on vm: stream closed before done' }],
      [720, { kind: 'rank-state', attempt: 1, rank: 1, host: 'vm', state: 'failed', reason: 'a later word on it' }],
      [800, { kind: 'attempt-failed', attempt: 1, rootCause: 'rank 1 on vm: process exited with code 3', rootCauseRank: 1, willRerun: true }],
      [810, { kind: 'attempt-started', attempt: 2, maxAttempts: 4, ranks: 2, framesToStyle: 25, totalFrames: 40, framesRedone: 5, leftOutSlots: [], shares: [] }],
    ]);
    expect(h.attempts.map((a) => [a.attempt, a.state, a.endedMs, a.rootCause])).toEqual([
      [1, 'failed', 800, 'rank 1 on vm: process exited with code 3'],
      [2, 'running', undefined, undefined],
    ]);
    expect(h.attempts[0]!.lanes).toEqual([{ rank: 1, host: 'vm', chunks: [], failedMs: 700, failure: 'rank 1 on vm: process exited with code 3' }]);
  });

  it('ends an attempt cut short by the job’s end with the job', () => {
    const h = replay([
      [0, { kind: 'job-started', jobId: 'j', workDir: '/w', totalFrames: 40, committedFrames: 20, resumed: true }],
      [10, { kind: 'attempt-started', attempt: 1, maxAttempts: 4, ranks: 1, framesToStyle: 20, totalFrames: 40, framesRedone: 0, leftOutSlots: [], shares: [] }],
      [900, { kind: 'state', from: 'styling', to: 'failed', why: 'INTERRUPTED' }],
    ]);
    expect(h).toMatchObject({ resumed: true, committedAtStart: 20, endedMs: 900 });
    expect(h.attempts[0]).toMatchObject({ state: 'failed', endedMs: 900 });
  });
});
