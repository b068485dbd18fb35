// What happened in a job, when: one lane per rank per attempt (start-up, barrier wait, styling, its chunks,
// its end) and the gather, in milliseconds since the job started. Built from the job's events alone (a pure
// reducer), kept in job.json, and drawn by the report (launcher/job/report.ts).
import type { JobEvent } from './events.js';

/** One rank in one attempt. Times are ms since the job started. */
export interface RankLane {
  rank: number;
  host: string;
  pid?: number;
  /** The provider it ran on, e.g. "cpu", "cuda fp16", and its device: "cpu", "webgpu", "cuda:N" (its GPU). */
  provider?: string;
  device?: string;
  /** When it said ready (model loaded), and how long the load took. */
  readyMs?: number;
  loadMs?: number;
  /** When it reported its whole share styled, with its figures. */
  doneMs?: number;
  frames?: number;
  decodeMs?: number;
  inferenceMs?: number;
  encodeMs?: number;
  wallMs?: number;
  /** When it failed, and why. */
  failedMs?: number;
  failure?: string;
  /** Its committed chunks: when, and which frames. */
  chunks: { atMs: number; start: number; count: number }[];
}

/** One attempt of the styling step. */
export interface AttemptHistory {
  attempt: number;
  ranks: number;
  framesToStyle: number;
  framesRedone: number;
  startedMs: number;
  /** When assignments went out (every rank ready). */
  barrierMs?: number;
  endedMs?: number;
  state: 'running' | 'succeeded' | 'failed';
  rootCause?: string;
  /** The rank whose failure was the root cause: the others that ended with it were stopped. */
  rootCauseRank?: number;
  lanes: RankLane[];
}

/** A job's timeline. */
export interface JobHistory {
  totalFrames: number;
  /** Frames committed before this run began (a resume). */
  committedAtStart: number;
  resumed: boolean;
  attempts: AttemptHistory[];
  gatherStartedMs?: number;
  gatherMs?: number;
  endedMs?: number;
}

/** The history before the first event. */
export function emptyHistory(): JobHistory {
  return { totalFrames: 0, committedAtStart: 0, resumed: false, attempts: [] };
}

/** The history after event `e`, which happened `atMs` after the job started. */
export function applyHistoryEvent(h: JobHistory, e: JobEvent, atMs: number): JobHistory {
  const last = h.attempts.at(-1);
  const withLast = (change: (a: AttemptHistory) => AttemptHistory): JobHistory => (last ? { ...h, attempts: [...h.attempts.slice(0, -1), change(last)] } : h);
  const withLane = (attempt: number, rank: number, host: string | undefined, change: (l: RankLane) => RankLane): JobHistory => {
    const a = h.attempts.find((x) => x.attempt === attempt);
    if (!a) return h;
    const lane = a.lanes.find((l) => l.rank === rank) ?? { rank, host: host ?? '', chunks: [] };
    const lanes = [...a.lanes.filter((l) => l.rank !== rank), change(lane)].sort((x, y) => x.rank - y.rank);
    return { ...h, attempts: h.attempts.map((x) => (x === a ? { ...a, lanes } : x)) };
  };
  switch (e.kind) {
    case 'job-started':
      return { ...h, totalFrames: e.totalFrames, committedAtStart: e.committedFrames, resumed: e.resumed };
    case 'attempt-started':
      return {
        ...h,
        attempts: [...h.attempts, { attempt: e.attempt, ranks: e.ranks, framesToStyle: e.framesToStyle, framesRedone: e.framesRedone, startedMs: atMs, state: 'running', lanes: [] }],
      };
    case 'rank-state':
      return withLane(e.attempt, e.rank, e.host, (l) =>
        e.state === 'ready'
          ? { ...l, host: e.host, pid: e.pid, provider: e.executionProvider, device: e.device, readyMs: atMs, loadMs: e.loadMs }
          : l.failedMs === undefined ? { ...l, host: e.host || l.host, failedMs: atMs, failure: e.reason } : l);
    case 'barrier-passed':
      return withLast((a) => (a.attempt === e.attempt ? { ...a, barrierMs: atMs } : a));
    case 'chunk-committed':
      return withLane(e.attempt, e.rank, undefined, (l) => ({ ...l, chunks: [...l.chunks, { atMs, start: e.start, count: e.count }] }));
    case 'rank-done': {
      const t = e.times;
      return withLane(e.attempt, t.rank, t.host, (l) => ({
        ...l, host: t.host || l.host, provider: t.executionProvider || l.provider, doneMs: atMs, frames: t.frames, decodeMs: t.decodeMs, inferenceMs: t.inferenceMs, encodeMs: t.encodeMs, wallMs: t.wallMs,
      }));
    }
    case 'attempt-failed': {
      const failed = withLast((a) => (a.attempt === e.attempt ? { ...a, state: 'failed', endedMs: atMs, rootCause: e.rootCause, rootCauseRank: e.rootCauseRank } : a));
      // the root cause as finally judged (a process's exit code refines "stream closed") is that rank's failure
      return e.rootCauseRank === undefined ? failed : { ...failed, attempts: failed.attempts.map((a) => (a.attempt !== e.attempt ? a : {
        ...a, lanes: a.lanes.map((l) => (l.rank === e.rootCauseRank ? { ...l, failure: e.rootCause } : l)),
      })) };
    }
    case 'state':
      if (e.to === 'gathering') return { ...withLast((a) => (a.state === 'running' ? { ...a, state: 'succeeded', endedMs: atMs } : a)), gatherStartedMs: atMs };
      return e.to === 'succeeded' || e.to === 'failed' ? closeHistory(h, atMs) : h;
    case 'gathered':
      return { ...h, gatherMs: e.gatherMs };
    case 'model-note':
    case 'progress':
    case 'nothing-to-style':
    case 'done':
      return h;
  }
}

/** The history of a job that ended `atMs` after it started: an attempt cut short by the end (Ctrl-C, a give-up) ends with it. */
export function closeHistory(h: JobHistory, atMs: number): JobHistory {
  return {
    ...h,
    endedMs: h.endedMs ?? atMs,
    attempts: h.attempts.map((a) => (a.state === 'running' ? { ...a, state: 'failed', endedMs: atMs } : a)),
  };
}
