// The end-of-job summary: frames, ranks, attempts, and where the wall time went.
import type { JobSummary } from '../job/job.js';

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const pct = (part: number, whole: number) => `${whole > 0 ? Math.round((100 * part) / whole) : 0}%`;

/** The summary as printed at the end of a job. */
export function formatSummary(j: JobSummary): string {
  const times = j.result.times;
  const avg = (f: (t: (typeof times)[number]) => number) => (times.length ? times.reduce((a, t) => a + f(t), 0) / times.length : 0);
  const decode = avg((t) => t.decodeMs);
  const inference = avg((t) => t.inferenceMs);
  const encode = avg((t) => t.encodeMs);
  const rankWall = avg((t) => t.wallMs);
  const providers = [...new Set(times.map((t) => t.executionProvider))].join(', ');
  const shrunk = j.ranksAtStart !== j.ranks ? `; ${j.ranksAtStart} at start` : '';
  const lines = [
    `done: ${j.output}`,
    `  frames ${j.frames}, ranks ${j.ranks} (${providers || 'n/a'}${shrunk}), attempts ${j.attempts.length}, wall ${s(j.wallMs)}`,
    `  time to barrier ${s(j.barrierMs)} (last attempt, from its start${j.firstBarrierMs !== undefined ? `; the first ${s(j.firstBarrierMs)} from the job's start` : ''})`,
    // a rank's stages overlap: each figure is that stage's busy time, and together they may exceed the rank's wall
    `  styling step ${s(j.stylingMs)}; per rank on average: decode ${s(decode)}, inference ${s(inference)} (${pct(inference, j.wallMs)} of wall), encode ${s(encode)} busy, overlapping in ${s(rankWall)} of rank wall`,
    `  gather ${s(j.gatherMs)} (${pct(j.gatherMs, j.wallMs)} of wall)`,
  ];
  lines.push(`  record ${j.recordPath}; report ${j.reportPath}`);
  for (const a of j.attempts) {
    lines.push(`  attempt ${a.attempt}: ${a.state}, ${a.ranks} ranks, ${a.framesScattered} frames (${a.framesRedone} redone)${a.rootCause ? `; root cause: ${a.rootCause}` : ''}`);
  }
  return lines.join('\n');
}
