// The job's record of committed chunks (JSON lines, appended after each chunk is verified). It is
// what a rerun or `--resume` trusts; a chunk file with no journal line is never used.
import type { ChunkRecord } from '../../common/storage/storage.js';
import { appendFileSync, closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';

/** A verified, committed chunk, with the attempt and rank that made it. */
export interface JournalEntry extends ChunkRecord {
  attempt: number;
  rank: number;
}

/** Append-only list of committed chunks. */
export class Journal {
  /** `onChange` is told after every append or clear (a Blob --work-dir copies the journal then). */
  constructor(readonly path: string, private readonly onChange: () => void = () => {}) {}

  load(): JournalEntry[] {
    if (!existsSync(this.path)) return [];
    const entries: JournalEntry[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // a torn last line (the launcher died mid-write) is ignored: that chunk is redone
      }
    }
    return entries;
  }

  append(e: JournalEntry): void {
    // after a torn last line (a launcher killed mid-write) start a fresh line, or this entry is lost too
    const torn = existsSync(this.path) && !endsWithNewline(this.path);
    appendFileSync(this.path, `${torn ? '\n' : ''}${JSON.stringify(e)}\n`);
    this.onChange();
  }

  /** Frames the journal vouches for. */
  committedFrames(): number {
    return this.load().reduce((sum, e) => sum + e.count, 0);
  }

  clear(): void {
    writeFileSync(this.path, '');
    this.onChange();
  }
}

/** Chunks in frame order that tile [0, totalFrames) exactly once; throws naming the first gap or overlap. */
export function planGather(entries: readonly JournalEntry[], totalFrames: number): JournalEntry[] {
  const byStart = new Map<number, JournalEntry>();
  // a later entry for the same start (a rerun of the same chunk) wins
  for (const e of entries) if (e.count > 0) byStart.set(e.start, e);
  const plan: JournalEntry[] = [];
  let cursor = 0;
  while (cursor < totalFrames) {
    const e = byStart.get(cursor);
    if (!e) throw new Error(`no committed chunk starts at frame ${cursor}`);
    if (e.start + e.count > totalFrames) throw new Error(`chunk ${e.key} runs past the last frame`);
    plan.push(e);
    cursor += e.count;
  }
  return plan;
}

function endsWithNewline(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    return last[0] === 0x0a;
  } finally {
    closeSync(fd);
  }
}
