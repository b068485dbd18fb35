// The job's record of committed chunks (JSON lines, appended after each chunk is verified). It is
// what a rerun or `--resume` trusts; a chunk file with no journal line is never used.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/** A verified, committed chunk. */
export interface JournalEntry {
  start: number;
  count: number;
  key: string;
  sha256: string;
  attempt: number;
  rank: number;
}

/** Append-only list of committed chunks. */
export class Journal {
  constructor(readonly path: string) {}

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
    appendFileSync(this.path, `${JSON.stringify(e)}\n`);
  }

  clear(): void {
    writeFileSync(this.path, '');
  }
}

/** Chunks in frame order that tile [0, totalFrames) exactly once; throws naming the first gap or overlap. */
export function planGather(entries: readonly JournalEntry[], totalFrames: number): JournalEntry[] {
  const byStart = new Map<number, JournalEntry>();
  // a later entry for the same start (a rerun of the same chunk) wins
  for (const e of entries) byStart.set(e.start, e);
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
