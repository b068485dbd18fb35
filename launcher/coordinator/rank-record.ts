// What the coordinator tracks about each rank of an attempt.
import type { Assignment } from '../../proto/generated/stylerun/v1/Assignment.js';
import type { RankStatus } from '../../proto/generated/stylerun/v1/RankStatus.js';
import type { RankProcess } from '../spawn/spawner.js';
import type { RankStream } from './server.js';

/** One rank of an attempt, as the coordinator sees it. */
export interface RankRecord {
  rank: number;
  host: string;
  process?: RankProcess;
  stream?: RankStream;
  joined: boolean;
  ready: boolean;
  done: boolean;
  lastSeenMs: number;
  framesDone: number;
  executionProvider: string;
  /** Verifications of committed chunks still running; Done counts only after they pass. */
  pendingChunks: Promise<void>[];
  chunkSha256s: string[];
  assignedFrames: number;
}

const standIn = '?';

/**
 * A stand-in for the host of rank `rank` where the launcher cannot know it (an engine that spans machines
 * placed the rank), until the rank's Join says where it runs.
 */
export function standInHost(rank: number): string {
  return `${standIn}rank-${rank}-host`;
}

/** Whether `host` is a stand-in that the rank's Join replaces. */
export function isStandInHost(host: string): boolean {
  return host.startsWith(standIn);
}

/** A rank that has not started yet. */
export function newRankRecord(rank: number, host: string, assignment: Assignment | undefined): RankRecord {
  return {
    rank, host, joined: false, ready: false, done: false, lastSeenMs: Date.now(), framesDone: 0, executionProvider: '',
    pendingChunks: [], chunkSha256s: [],
    assignedFrames: (assignment?.ranges ?? []).reduce((s, x) => s + Number(x.count ?? 0), 0),
  };
}

/** The rank as the Status call reports it. */
export function rankStatus(r: RankRecord, groupRunning: boolean): RankStatus {
  return {
    rank: r.rank,
    state: r.done ? 'done' : r.ready ? (groupRunning ? 'working' : 'ready') : r.joined ? 'loading' : 'starting',
    host: r.host,
    pid: r.process?.pid ?? 0,
    frames_done: r.framesDone,
    execution_provider: r.executionProvider,
    last_heartbeat_ms_ago: Math.max(0, Date.now() - r.lastSeenMs),
  };
}
