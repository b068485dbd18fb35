import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log.js';
import type { JobEvent } from '../../../launcher/job/events.js';
import { applyProgressEvent, emptyProgress, pace, progressDisplay, progressMode } from '../../../launcher/cli/progress.js';

const attempt = (n: number, framesToStyle: number): JobEvent => ({
  kind: 'attempt-started', attempt: n, maxAttempts: 4, ranks: 2, framesToStyle, totalFrames: 200, framesRedone: 0, leftOutSlots: [],
  shares: [{ first: 200 - framesToStyle, last: 199 - framesToStyle / 2, frames: framesToStyle / 2 }, { first: 200 - framesToStyle / 2, last: 199, frames: framesToStyle / 2 }],
});

describe('the progress mode', () => {
  it('draws bars on a terminal, logs lines without one, and shows nothing under --quiet', () => {
    expect(progressMode({}, true)).toBe('bars');
    expect(progressMode({}, false)).toBe('lines');
    expect(progressMode({ STYLERUN_LOG_LEVEL: 'warn' }, true)).toBe('off');
    expect(progressMode({ STYLERUN_PROGRESS: 'lines' }, true)).toBe('lines');
  });
});

describe('the progress view', () => {
  it('follows each rank of the attempt: its host, state, range, frames done and device', () => {
    const events: [number, JobEvent][] = [
      [0, { kind: 'job-started', jobId: 'j', workDir: '/w', totalFrames: 200, committedFrames: 0, resumed: false }],
      [10, attempt(1, 200)],
      [400, { kind: 'rank-state', attempt: 1, rank: 0, host: 'vm', state: 'ready', executionProvider: 'cpu' }],
      [450, { kind: 'rank-state', attempt: 1, rank: 1, host: 'gpu-vm', state: 'ready', executionProvider: 'cuda fp16', device: 'cuda:1' }],
      [500, { kind: 'barrier-passed', attempt: 1, ranks: 2, ms: 490 }],
      [2500, { kind: 'progress', attempt: 1, doneFrames: 50, totalFrames: 200, byRank: [30, 20] }],
    ];
    const v = events.reduce((view, [ms, e]) => applyProgressEvent(view, e, ms), emptyProgress());
    expect(v.ranks).toEqual([
      { rank: 0, host: 'vm', state: 'working', first: 0, last: 99, frames: 100, done: 30, provider: 'cpu' },
      { rank: 1, host: 'gpu-vm', state: 'working', first: 100, last: 199, frames: 100, done: 20, provider: 'cuda:1 fp16' },
    ]);
    // 50 frames in the 2 s since the barrier: 25 frames/s, 150 left, 6 s
    expect(pace(v, 2500)).toEqual({ framesPerSecond: 25, etaSeconds: 6 });
    // no pace in the first half second, unless every frame is done by then (a short job's only record)
    expect(pace(v, 700)).toEqual({});
    const done = applyProgressEvent(v, { kind: 'progress', attempt: 1, doneFrames: 200, totalFrames: 200, byRank: [100, 100] }, 700);
    expect(pace(done, 700)).toEqual({ framesPerSecond: 1000, etaSeconds: 0 });
  });

  it('starts a rerun’s lines afresh, counting what earlier attempts committed as done', () => {
    const v = [attempt(1, 200), attempt(2, 80)].reduce((view, e) => applyProgressEvent(view, e, 0), emptyProgress());
    expect(v).toMatchObject({ attempt: 2, doneFrames: 120, ranks: [{ rank: 0, first: 120, frames: 40, done: 0, state: 'starting' }, { rank: 1, first: 160 }] });
  });
});

describe('progress lines without a terminal', () => {
  it('logs at most once per interval, and once more when every frame is done', () => {
    const lines: string[] = [];
    let now = 0;
    const listen = progressDisplay('lines', createLogger('stylerun', (l) => lines.push(l.trim())), { intervalMs: 5000, now: () => now });
    listen(attempt(1, 200));
    for (const [t, done] of [[1000, 10], [4000, 40], [5000, 50], [7000, 70], [10_500, 105], [11_000, 200]] as const) {
      now = t;
      listen({ kind: 'progress', attempt: 1, doneFrames: done, totalFrames: 200, byRank: [done / 2, done / 2] });
    }
    expect(lines).toEqual(['[stylerun] progress: 50/200 frames (25%)', '[stylerun] progress: 105/200 frames (52%)', '[stylerun] progress: 200/200 frames (100%)']);
  });
});
