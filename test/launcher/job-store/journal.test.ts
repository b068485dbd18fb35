import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Journal, type JournalEntry, planGather } from '../../../launcher/job-store/journal.js';

function entry(start: number, count: number, extra: Partial<JournalEntry> = {}): JournalEntry {
  return { start, count, key: `chunk-${start}-${count}.mkv`, sha256: 'ab'.repeat(32), attempt: 1, rank: 0, ...extra };
}

describe('Journal', () => {
  let dir: string;
  let journal: Journal;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stylerun-journal-'));
    journal = new Journal(join(dir, 'journal.jsonl'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads nothing before anything was committed', () => {
    expect(journal.load()).toEqual([]);
  });

  it('loads back what was appended, in order', () => {
    const entries = [entry(0, 10), entry(10, 10, { rank: 1 }), entry(0, 10, { attempt: 2, key: 'again.mkv' })];
    for (const e of entries) journal.append(e);
    expect(journal.load()).toEqual(entries);
    expect(new Journal(journal.path).load()).toEqual(entries);
  });

  it('writes one JSON line per entry', () => {
    journal.append(entry(0, 5));
    journal.append(entry(5, 5));
    const lines = readFileSync(journal.path, 'utf8').split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    expect(JSON.parse(lines[1])).toEqual(entry(5, 5));
  });

  it('ignores a torn last line left by a launcher that died mid-write', () => {
    journal.append(entry(0, 10));
    journal.append(entry(10, 10));
    appendFileSync(journal.path, JSON.stringify(entry(20, 10)).slice(0, 25));
    expect(journal.load()).toEqual([entry(0, 10), entry(10, 10)]);
  });

  it('forgets every entry when cleared, and keeps working afterwards', () => {
    journal.append(entry(0, 10));
    journal.clear();
    expect(journal.load()).toEqual([]);
    journal.append(entry(0, 3));
    expect(journal.load()).toEqual([entry(0, 3)]);
  });
});

describe('planGather', () => {
  it('tiles the frames in order from entries committed out of order', () => {
    const plan = planGather([entry(20, 5), entry(0, 10), entry(10, 10)], 25);
    expect(plan.map((e) => [e.start, e.count])).toEqual([
      [0, 10],
      [10, 10],
      [20, 5],
    ]);
  });

  it('uses the later entry when a chunk was committed twice', () => {
    const first = entry(0, 10, { attempt: 1, key: 'a1.mkv' });
    const rerun = entry(0, 10, { attempt: 2, key: 'a2.mkv' });
    expect(planGather([first, entry(10, 5), rerun], 15).map((e) => e.key)).toEqual(['a2.mkv', entry(10, 5).key]);
  });

  it('follows the later entry’s count when a rerun chunked the same start differently', () => {
    const plan = planGather([entry(0, 10), entry(0, 4), entry(4, 6)], 10);
    expect(plan.map((e) => [e.start, e.count])).toEqual([
      [0, 4],
      [4, 6],
    ]);
  });

  it('throws naming the first frame no committed chunk covers', () => {
    expect(() => planGather([entry(0, 10), entry(15, 10)], 25)).toThrow('no committed chunk starts at frame 10');
  });

  it('throws naming frame 0 when the journal is empty', () => {
    expect(() => planGather([], 5)).toThrow('no committed chunk starts at frame 0');
  });

  it('throws naming the chunk that runs past the last frame', () => {
    expect(() => planGather([entry(0, 10), entry(10, 10, { key: 'too-long.mkv' })], 15)).toThrow('chunk too-long.mkv runs past the last frame');
  });

  it('leaves out chunks that are not on the tiling path', () => {
    expect(planGather([entry(0, 10), entry(5, 5), entry(10, 2)], 12).map((e) => e.start)).toEqual([0, 10]);
  });
});
