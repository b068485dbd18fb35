import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../launcher/job-store/job-record.js';
import { renderReport } from '../../../launcher/job/report.js';

const record: JobRecord = {
  jobId: '1a2b3c4d', createdAt: '2026-11-28T00:00:00.000Z', options: { input: '/v/in.mp4', output: '/v/out.mp4' }, state: 'succeeded', output: '/v/out.mp4',
  figures: { frames: 40, wallMs: 4000, framesPerSecond: 10, barrierMs: 500, stylingMs: 3000, gatherMs: 900 },
  history: {
    totalFrames: 40, committedAtStart: 0, resumed: false, gatherStartedMs: 3000, gatherMs: 900, endedMs: 4000,
    attempts: [
      { attempt: 1, ranks: 2, framesToStyle: 40, framesRedone: 0, startedMs: 10, barrierMs: 500, endedMs: 1200, state: 'failed', rootCause: 'rank 1 on <vm>: process exited with code 3', rootCauseRank: 1, lanes: [
        { rank: 0, host: 'vm', provider: 'cpu', readyMs: 400, loadMs: 300, failedMs: 1110, failure: 'rank 0 on vm: preempted (SIGTERM)', chunks: [{ atMs: 900, start: 0, count: 10 }] },
        { rank: 1, host: '<vm>', provider: 'cpu', readyMs: 450, loadMs: 300, failedMs: 1100, failure: 'rank 1 on <vm>: process exited with code 3', chunks: [] },
      ] },
      { attempt: 2, ranks: 2, framesToStyle: 30, framesRedone: 5, startedMs: 1210, barrierMs: 1700, endedMs: 3000, state: 'succeeded', lanes: [
        { rank: 0, host: 'vm', provider: 'cpu', readyMs: 1650, doneMs: 2900, frames: 15, decodeMs: 200, inferenceMs: 800, encodeMs: 300, wallMs: 1200, chunks: [{ atMs: 2500, start: 10, count: 10 }] },
        { rank: 1, host: 'vm', provider: 'cpu', readyMs: 1690, doneMs: 2950, frames: 15, decodeMs: 200, inferenceMs: 800, encodeMs: 300, wallMs: 1250, chunks: [] },
      ] },
    ],
  },
};

describe('the job report', () => {
  const html = renderReport(record);

  it('draws one lane per rank per attempt, and the gather', () => {
    expect(html.match(/<g class="lane" data-attempt="\d" data-rank="\d">/g)).toEqual([
      '<g class="lane" data-attempt="1" data-rank="0">', '<g class="lane" data-attempt="1" data-rank="1">',
      '<g class="lane" data-attempt="2" data-rank="0">', '<g class="lane" data-attempt="2" data-rank="1">',
    ]);
    expect(html).toContain('<g class="lane gather-lane">');
  });

  it('marks the root cause where it happened, the ranks stopped with it apart, and names it in the attempts', () => {
    expect(html.match(/<g class="failure">/g)).toHaveLength(1);
    expect(html.match(/<g class="stopped">/g)).toHaveLength(1);
    expect(html).toContain('<td>stopped with the attempt (first seen as: rank 0 on vm: preempted (SIGTERM))</td>');
    expect(html).toContain('<td>rank 1 on &#60;vm&#62;: process exited with code 3</td>');
    expect(html).not.toContain('<vm>'); // every text is escaped
  });

  it('places a lane’s parts on one time axis: start-up, barrier wait, styling, in order', () => {
    const lane = html.split('data-attempt="2" data-rank="0">')[1]!.split('</g>')[0]!;
    const xs = ['start-up', 'barrier', 'styling'].map((part) => Number(new RegExp(`class="seg ${part}" x="([\\d.]+)"`).exec(lane)![1]));
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
    expect(lane).toMatch(/class="seg inference"/);
    expect(lane).toMatch(/<line class="chunk"/);
  });

  it('holds no script and reaches for nothing outside itself', () => {
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it('lists a resumed job’s earlier runs in its attempts', () => {
    const resumed = renderReport({ ...record, earlierRuns: [record.history!] });
    expect(resumed).toContain('<td>run 1, 1</td>');
    expect(resumed).toContain('<td>run 2, 2</td>');
  });
});
