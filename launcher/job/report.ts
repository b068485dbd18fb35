// The job report: one self-contained HTML file (no script, no network) with the summary and a timeline
// picture, one lane per rank per attempt: start-up and model load, barrier wait, styling with its committed
// chunks and each stage's busy time, failures and reruns, then the gather. A pure function of job.json.
import type { JobRecord } from '../job-store/job-record.js';
import type { AttemptHistory, RankLane } from './job-history.js';

const esc = (v: unknown) => String(v).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const sec = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);

/** The colour of each part of a lane, named as the legend names it. */
const parts = {
  'start-up': ['#b8bec9', 'start-up and model load'],
  barrier: ['#f2c14e', 'barrier wait'],
  styling: ['#4c78a8', 'styling (ticks: chunks committed)'],
  decode: ['#59a14f', 'decode busy'],
  inference: ['#b07aa1', 'inference busy'],
  encode: ['#f28e2b', 'encode busy'],
  gather: ['#76b7b2', 'gather'],
  failure: ['#d62728', 'failure (the root cause)'],
  stopped: ['#555555', 'stopped with the attempt'],
} as const;

const labelWidth = 260;
const plotWidth = 760;
const rowHeight = 28;
const top = 30;

/** The report of a job, as HTML. */
export function renderReport(r: JobRecord): string {
  const h = r.history;
  const endMs = Math.max(1, h?.endedMs ?? r.figures?.wallMs ?? 1);
  const x = (ms: number) => labelWidth + (Math.min(Math.max(ms, 0), endMs) / endMs) * plotWidth;
  const rows: string[] = [];
  let y = top;
  for (const a of h?.attempts ?? []) {
    for (const lane of a.lanes) {
      rows.push(laneSvg(a, lane, y, x));
      y += rowHeight;
    }
  }
  if (h?.gatherStartedMs !== undefined) {
    const end = h.gatherStartedMs + (h.gatherMs ?? endMs - h.gatherStartedMs);
    rows.push(`<g class="lane gather-lane"><text x="8" y="${y + 17}">gather</text>${rect('gather', x(h.gatherStartedMs), y + 4, x(end) - x(h.gatherStartedMs), 14, `gather ${sec(h.gatherMs)}`)}</g>`);
    y += rowHeight;
  }
  const height = y + 10;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 20}" height="${height}" role="img" aria-label="timeline">${axis(endMs, x, height)}${rows.join('')}</svg>`;
  const legend = Object.entries(parts).map(([, [colour, name]]) => `<span><i style="background:${colour}"></i>${esc(name)}</span>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>stylerun job ${esc(r.jobId)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}table{border-collapse:collapse;margin:8px 0 16px}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}.ok{color:#2a7a2a}.bad{color:#c0392b}
svg text{font:12px system-ui,sans-serif;fill:#222}.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
</style></head><body>
<h1>stylerun job ${esc(r.jobId)}: <span class="${r.state === 'succeeded' ? 'ok' : 'bad'}">${esc(r.state ?? 'unfinished')}</span></h1>
${facts(r)}
<h2>Timeline</h2>
<p class="legend">${legend}</p>
${svg}
${attemptsTable([...(r.earlierRuns ?? []), ...(h ? [h] : [])])}
${ranksTable(h?.attempts ?? [])}
</body></html>
`;
}

function facts(r: JobRecord): string {
  const o = r.options;
  const f = r.figures;
  const rows: [string, unknown][] = [
    ['input', o.input], ['output', r.output ?? o.output], ['model', o.model ?? 'matta'], ['device', o.device ?? 'auto'],
    ['started', r.createdAt], ['ended', r.endedAt ?? '–'],
    ['frames', r.history ? `${r.history.totalFrames}${r.history.resumed ? ` (${r.history.committedAtStart} committed before this run)` : ''}` : '–'],
    ['wall', f ? `${sec(f.wallMs)} (${f.framesPerSecond.toFixed(1)} frames/s); barrier ${sec(f.barrierMs)}, styling ${sec(f.stylingMs)}, gather ${sec(f.gatherMs)}` : '–'],
  ];
  if (r.error) rows.push(['error', r.error]);
  return `<table class="facts">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</table>`;
}

/** Every run's attempts: a resumed job's earlier runs first (their timelines are in their own reports). */
function attemptsTable(runs: { attempts: AttemptHistory[] }[]): string {
  const rows = runs.flatMap((run, i) => run.attempts.map((a) =>
    `<tr><td>${runs.length > 1 ? `run ${i + 1}, ` : ''}${a.attempt}</td><td>${esc(a.state)}</td><td>${a.ranks}</td><td>${a.framesToStyle}</td><td>${a.framesRedone}</td><td>${esc(a.rootCause ?? '')}</td></tr>`));
  return `<h2>Attempts</h2><table class="attempts"><tr><th>attempt</th><th>state</th><th>ranks</th><th>frames to style</th><th>redone</th><th>root cause</th></tr>${rows.join('')}</table>`;
}

function ranksTable(attempts: AttemptHistory[]): string {
  const rows = attempts.flatMap((a) => a.lanes.map((l) => {
    const fps = l.frames && l.wallMs ? (l.frames / (l.wallMs / 1000)).toFixed(1) : '–';
    return `<tr><td>${a.attempt}</td><td>${l.rank}</td><td>${esc(l.host)}</td><td>${esc(l.provider ?? '–')}</td><td>${esc(l.device ?? '–')}</td><td>${sec(l.loadMs)}</td><td>${l.frames ?? '–'}</td><td>${sec(l.decodeMs)}</td><td>${sec(l.inferenceMs)}</td><td>${sec(l.encodeMs)}</td><td>${sec(l.wallMs)}</td><td>${fps}</td><td>${esc(l.failure && a.rootCauseRank !== undefined && a.rootCauseRank !== l.rank ? `stopped with the attempt (first seen as: ${l.failure})` : l.failure ?? '')}</td></tr>`;
  }));
  return `<h2>Ranks</h2><table class="ranks"><tr><th>attempt</th><th>rank</th><th>host</th><th>provider</th><th>device</th><th>model load</th><th>frames</th><th>decode busy</th><th>inference busy</th><th>encode busy</th><th>wall</th><th>frames/s</th><th>failure</th></tr>${rows.join('')}</table>`;
}

function laneSvg(a: AttemptHistory, l: RankLane, y: number, x: (ms: number) => number): string {
  const end = l.failedMs ?? l.doneMs ?? a.endedMs ?? a.startedMs;
  const segs: string[] = [];
  const ready = l.readyMs ?? end;
  segs.push(rect('start-up', x(a.startedMs), y + 4, x(ready) - x(a.startedMs), 14, `start-up and model load ${sec(l.loadMs)}`));
  if (l.readyMs !== undefined) {
    const barrier = a.barrierMs ?? end;
    segs.push(rect('barrier', x(l.readyMs), y + 4, x(Math.min(barrier, end)) - x(l.readyMs), 14, `barrier wait ${sec(barrier - l.readyMs)}`));
    if (a.barrierMs !== undefined && end > a.barrierMs) {
      segs.push(rect('styling', x(a.barrierMs), y + 4, x(end) - x(a.barrierMs), 14, `styling ${sec(end - a.barrierMs)}${l.frames ? `, ${l.frames} frames` : ''}`));
      // each stage's busy time from the start of styling: the stages overlap, so the bars may add up to more than the styling bar
      (['decode', 'inference', 'encode'] as const).forEach((stage, i) => {
        const busy = l[`${stage}Ms`];
        if (busy) segs.push(rect(stage, x(a.barrierMs!), y + 19 + i * 2.5, x(a.barrierMs! + busy) - x(a.barrierMs!), 2, `${stage} busy ${sec(busy)}`));
      });
      for (const c of l.chunks) segs.push(`<line class="chunk" x1="${x(c.atMs)}" x2="${x(c.atMs)}" y1="${y + 4}" y2="${y + 18}" stroke="#fff" stroke-width="1"><title>frames ${c.start}-${c.start + c.count - 1} committed at ${sec(c.atMs)}</title></line>`);
    }
  }
  if (l.failedMs !== undefined) {
    const cx = x(l.failedMs);
    // the root cause is a cross; a rank that ended because the attempt did, a small square
    segs.push(a.rootCauseRank === undefined || a.rootCauseRank === l.rank
      ? `<g class="failure"><title>${esc(l.failure ?? 'failed')}</title><path d="M${cx - 5} ${y + 6}l10 10m0 -10l-10 10" stroke="${parts.failure[0]}" stroke-width="3"/></g>`
      : `<g class="stopped"><title>${esc(`stopped with the attempt (first seen as: ${l.failure ?? 'failed'})`)}</title><rect x="${cx - 4}" y="${y + 7}" width="8" height="8" fill="${parts.stopped[0]}"/></g>`);
  }
  const label = `attempt ${a.attempt} · rank ${l.rank} · ${l.host}${l.provider ? ` (${l.provider})` : ''}`;
  return `<g class="lane" data-attempt="${a.attempt}" data-rank="${l.rank}"><text x="8" y="${y + 17}">${esc(label.length > 40 ? `${label.slice(0, 39)}…` : label)}</text>${segs.join('')}</g>`;
}

function rect(part: keyof typeof parts, x0: number, y: number, width: number, height: number, title: string): string {
  return `<rect class="seg ${part}" x="${x0.toFixed(1)}" y="${y}" width="${Math.max(width, 0.5).toFixed(1)}" height="${height}" fill="${parts[part][0]}"><title>${esc(title)}</title></rect>`;
}

/** Seconds along the top, at a round step. */
function axis(endMs: number, x: (ms: number) => number, height: number): string {
  const steps = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600].map((s) => s * 1000);
  const step = steps.find((s) => endMs / s <= 10) ?? 7_200_000;
  const ticks: string[] = [];
  for (let t = 0; t <= endMs; t += step) {
    ticks.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${top - 6}" y2="${height - 10}" stroke="#e4e4e4"/><text x="${x(t) + 2}" y="${top - 10}">${t / 1000} s</text>`);
  }
  return `<g class="axis">${ticks.join('')}</g>`;
}
