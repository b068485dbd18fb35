import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../launcher/cli/summary.js';
import type { JobSummary } from '../../../launcher/job/job.js';

function summary(overrides: Partial<JobSummary>): JobSummary {
  return {
    jobId: 'c0ffee01', output: '/tmp/out.mp4', frames: 90, ranks: 2, ranksAtStart: 2, wallMs: 4000, barrierMs: 500, stylingMs: 3000, gatherMs: 1000,
    recordPath: '/w/c0ffee01/job.json', reportPath: '/w/c0ffee01/report.html',
    attempts: [{ attempt: 1, ranks: 2, framesScattered: 90, framesRedone: 0, state: 'succeeded' }],
    result: { state: 'succeeded', failures: [], times: [{ rank: 0, host: 'vm', executionProvider: 'cpu', frames: 90, decodeMs: 1, inferenceMs: 1, encodeMs: 1, wallMs: 3 }], framesDoneByRank: [90] },
    ...overrides,
  };
}

describe('formatSummary', () => {
  it('names the job record and the report it leaves', () => {
    expect(formatSummary(summary({}))).toContain('\n  record /w/c0ffee01/job.json; report /w/c0ffee01/report.html\n');
  });

  it("gives the last attempt's time to barrier from its start, and the first barrier from the job's start", () => {
    expect(formatSummary(summary({ barrierMs: 180, firstBarrierMs: 650 }))).toContain("\n  time to barrier 0.18 s (last attempt, from its start; the first 0.65 s from the job's start)\n");
    expect(formatSummary(summary({ barrierMs: 180 }))).toContain('\n  time to barrier 0.18 s (last attempt, from its start)\n');
  });

  it('gives the ranks of the job when every attempt had them all', () => {
    expect(formatSummary(summary({}))).toContain('  frames 90, ranks 2 (cpu), attempts 1, wall 4.00 s\n');
  });

  it('gives each stage\'s busy time per rank, and the rank wall time they overlap in', () => {
    const times = [
      { rank: 0, host: 'vm', executionProvider: 'cpu', frames: 45, decodeMs: 500, inferenceMs: 2000, encodeMs: 1500, wallMs: 2500 },
      { rank: 1, host: 'vm', executionProvider: 'cpu', frames: 45, decodeMs: 700, inferenceMs: 2200, encodeMs: 1300, wallMs: 2700 },
    ];
    const text = formatSummary(summary({ result: { state: 'succeeded', failures: [], times, framesDoneByRank: [45, 45] } }));
    expect(text).toContain('per rank on average: decode 0.60 s, inference 2.10 s (53% of wall), encode 1.40 s busy, overlapping in 2.60 s of rank wall\n');
  });

  it('gives the ranks of the last attempt, and how many there were at start, after an elastic shrink', () => {
    const attempts = [
      { attempt: 1, ranks: 3, framesScattered: 90, framesRedone: 0, state: 'failed' as const, rootCause: 'rank 2 on vm: process exited with code 3' },
      { attempt: 2, ranks: 3, framesScattered: 80, framesRedone: 4, state: 'failed' as const, rootCause: 'rank 2 on vm: process exited with code 3' },
      { attempt: 3, ranks: 2, framesScattered: 70, framesRedone: 4, state: 'succeeded' as const },
    ];
    const text = formatSummary(summary({ ranks: 2, ranksAtStart: 3, attempts }));
    expect(text).toContain('  frames 90, ranks 2 (cpu; 3 at start), attempts 3, wall 4.00 s\n');
    expect(text).toContain('  attempt 3: succeeded, 2 ranks, 70 frames (4 redone)');
  });
});
