// How a running job shows its progress. On a terminal: one overall bar (frames done of the total, frames/s,
// ETA) and a line per rank (host, state, range, frames done, device, attempt), redrawn in place by
// cli-progress. Without one (CI, a pipe, Azure ML): a progress record every few seconds and at the end of
// each attempt, which the JSON log format carries with every figure. --quiet: nothing.
import cliProgress from 'cli-progress';
import { logFormat, routeStderr, type Logger } from '../../common/log.js';
import type { JobEvent, JobListener } from '../job/events.js';

/** bars: redrawn on a terminal; lines: a log record every interval; off: nothing (--quiet). */
export type ProgressMode = 'bars' | 'lines' | 'off';

/** How often a progress record is logged without a terminal. */
export const progressIntervalMs = 5000;

/** The mode for this run: STYLERUN_PROGRESS where set; off under --quiet; bars on a terminal; else lines. */
export function progressMode(env: NodeJS.ProcessEnv, terminal: boolean): ProgressMode {
  const chosen = env.STYLERUN_PROGRESS;
  if (chosen === 'bars' || chosen === 'lines' || chosen === 'off') return chosen;
  if (env.STYLERUN_LOG_LEVEL === 'warn' || env.STYLERUN_LOG_LEVEL === 'error') return 'off';
  return terminal ? 'bars' : 'lines';
}

/** One rank of the current attempt, as its line shows it. */
export interface RankRow {
  rank: number;
  host: string;
  state: 'starting' | 'ready' | 'working' | 'done' | 'failed';
  first: number;
  last: number;
  frames: number;
  done: number;
  provider?: string;
}

/** What the display shows. */
export interface ProgressView {
  attempt: number;
  totalFrames: number;
  doneFrames: number;
  /** When styling began in this run, and how many frames were done then (for frames/s). */
  since?: { atMs: number; doneFrames: number };
  ranks: RankRow[];
  finished: boolean;
}

export function emptyProgress(): ProgressView {
  return { attempt: 0, totalFrames: 0, doneFrames: 0, ranks: [], finished: false };
}

/** The view after event `e` at `nowMs` (a pure function). */
export function applyProgressEvent(v: ProgressView, e: JobEvent, nowMs: number): ProgressView {
  const row = (rank: number, change: (r: RankRow) => RankRow): ProgressView => ({ ...v, ranks: v.ranks.map((r) => (r.rank === rank ? change(r) : r)) });
  switch (e.kind) {
    case 'job-started':
      // a new job (a watcher runs one after another): a new display
      return { ...emptyProgress(), totalFrames: e.totalFrames, doneFrames: e.committedFrames };
    case 'attempt-started':
      return {
        ...v, attempt: e.attempt, totalFrames: e.totalFrames, doneFrames: e.totalFrames - e.framesToStyle,
        ranks: e.shares.map((s, rank) => ({ rank, host: '', state: 'starting', first: s.first, last: s.last, frames: s.frames, done: 0 })),
      };
    case 'rank-state':
      if (e.attempt !== v.attempt) return v;
      return row(e.rank, (r) => ({ ...r, host: e.host || r.host, state: e.state, provider: deviceOf(e) ?? r.provider }));
    case 'barrier-passed':
      return { ...v, since: v.since ?? { atMs: nowMs, doneFrames: v.doneFrames }, ranks: v.ranks.map((r) => (r.state === 'ready' ? { ...r, state: 'working' } : r)) };
    case 'progress':
      if (e.attempt !== v.attempt) return v;
      return { ...v, doneFrames: e.doneFrames, ranks: v.ranks.map((r) => ({ ...r, done: e.byRank[r.rank] ?? r.done })) };
    case 'rank-done':
      return e.attempt === v.attempt ? row(e.times.rank, (r) => ({ ...r, state: 'done', done: r.frames })) : v;
    case 'state':
      return e.to === 'gathering' || e.to === 'succeeded' || e.to === 'failed' ? { ...v, finished: true } : v;
    default:
      return v;
  }
}

/** A ready rank's device as its line shows it: "cuda:1 fp16" where the graph was converted, "cpu". */
function deviceOf(e: { executionProvider?: string; device?: string }): string | undefined {
  if (!e.device) return e.executionProvider;
  return e.executionProvider?.endsWith(' fp16') ? `${e.device} fp16` : e.device;
}

/** Frames per second since styling began in this run, and the seconds left at that pace (undefined until known). */
export function pace(v: ProgressView, nowMs: number): { framesPerSecond?: number; etaSeconds?: number } {
  // the first half second's pace says little; once every frame is done, any time since the barrier gives it
  const finished = v.totalFrames > 0 && v.doneFrames >= v.totalFrames;
  if (!v.since || nowMs <= v.since.atMs || (!finished && nowMs - v.since.atMs < 500)) return {};
  const framesPerSecond = (v.doneFrames - v.since.doneFrames) / ((nowMs - v.since.atMs) / 1000);
  if (framesPerSecond <= 0) return { framesPerSecond: 0 };
  return { framesPerSecond, etaSeconds: (v.totalFrames - v.doneFrames) / framesPerSecond };
}

/** The listener that shows progress in `mode`. */
export function progressDisplay(mode: ProgressMode, log: Logger, opts: { intervalMs?: number; now?: () => number } = {}): JobListener {
  if (mode === 'off') return () => {};
  const now = opts.now ?? Date.now;
  return mode === 'bars' ? barsDisplay(now) : linesDisplay(log, opts.intervalMs ?? progressIntervalMs, now);
}

function linesDisplay(log: Logger, intervalMs: number, now: () => number): JobListener {
  let view = emptyProgress();
  let lastMs = now();
  return (e) => {
    view = applyProgressEvent(view, e, now());
    if (e.kind !== 'progress') return;
    const t = now();
    // every interval, and once an attempt has every frame (so a short job logs its progress at least once)
    if (t - lastMs < intervalMs && e.doneFrames < e.totalFrames) return;
    lastMs = t;
    const { framesPerSecond, etaSeconds } = pace(view, t);
    const figures = framesPerSecond === undefined ? '' : `, ${framesPerSecond.toFixed(1)} frames/s${etaSeconds === undefined ? '' : `, ETA ${Math.ceil(etaSeconds)} s`}`;
    // the JSON records carry every figure, and each rank's; the text line stays one short line
    const fields = logFormat() === 'json'
      ? {
          event: 'progress', frames_done: view.doneFrames, total_frames: view.totalFrames, frames_per_s: framesPerSecond, eta_s: etaSeconds,
          ranks: view.ranks.map((r) => ({ rank: r.rank, host: r.host, state: r.state, first: r.first, last: r.last, frames: r.frames, done: r.done, provider: r.provider })),
        }
      : undefined;
    log.info(`progress: ${e.doneFrames}/${e.totalFrames} frames (${Math.floor((100 * e.doneFrames) / e.totalFrames)}%)${figures}`, fields);
  };
}

function barsDisplay(now: () => number): JobListener {
  let view = emptyProgress();
  let bars: cliProgress.MultiBar | undefined;
  let overall: cliProgress.SingleBar | undefined;
  let rankBars: cliProgress.SingleBar[] = [];
  const stop = () => {
    bars?.stop();
    bars = undefined;
    routeStderr(undefined);
  };
  const draw = () => {
    if (!bars) {
      bars = new cliProgress.MultiBar({ stream: process.stderr, hideCursor: true, clearOnComplete: false, stopOnComplete: false, fps: 5, barsize: 30, autopadding: true }, cliProgress.Presets.shades_classic);
      // log lines go above the bars while they are drawn, not through them
      const shown = bars;
      routeStderr((line) => shown.log(line.endsWith('\n') ? line : `${line}\n`));
      overall = bars.create(Math.max(1, view.totalFrames), view.doneFrames, {}, { format: '{bar} {percentage}% | {value}/{total} frames | {speed} | ETA {left}' });
    }
    const { framesPerSecond, etaSeconds } = pace(view, now());
    overall!.setTotal(Math.max(1, view.totalFrames));
    overall!.update(view.doneFrames, { speed: framesPerSecond === undefined ? '- frames/s' : `${framesPerSecond.toFixed(1)} frames/s`, left: etaSeconds === undefined ? '-' : `${Math.ceil(etaSeconds)} s` });
    if (rankBars.length !== view.ranks.length) {
      for (const b of rankBars) bars.remove(b);
      rankBars = view.ranks.map((r) => bars!.create(Math.max(1, r.frames), 0, {}, { format: '  rank {rank} {host} {state} frames {first}-{last} {value}/{total} {device} attempt {attempt}' }));
    }
    view.ranks.forEach((r, i) => rankBars[i]!.update(r.done, { rank: r.rank, host: r.host || '-', state: r.state.padEnd(8), first: r.first, last: r.last, device: r.provider ?? '-', attempt: view.attempt }));
  };
  return (e) => {
    const before = view.attempt;
    view = applyProgressEvent(view, e, now());
    if (view.attempt !== before) {
      // a new attempt: new ranks, new lines
      for (const b of rankBars) bars?.remove(b);
      rankBars = [];
    }
    if (e.kind === 'done' || view.finished) return stop();
    if (view.totalFrames > 0 && (e.kind === 'attempt-started' || e.kind === 'rank-state' || e.kind === 'barrier-passed' || e.kind === 'progress' || e.kind === 'rank-done')) draw();
  };
}
