import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirWatchStore } from '../../../launcher/watch/dir-watch-store.js';

describe('a directory watch store\'s claims', () => {
  function stores() {
    const source = mkdtempSync(join(tmpdir(), 'stylerun-claims-'));
    const ops = join(source, '.stylerun');
    const claims = join(ops, 'claims');
    mkdirSync(claims, { recursive: true });
    return { claims, a: new DirWatchStore(source, ops, 15), b: new DirWatchStore(source, ops, 15) };
  }

  it('go to one watcher at a time, and a claim past its time is taken over', async () => {
    const { claims, a, b } = stores();
    const held = await a.claim('x.mp4');
    expect(held).toBeDefined();
    expect(await b.claim('x.mp4')).toBeUndefined();
    await held!.release();
    writeFileSync(join(claims, 'x.mp4.lock'), JSON.stringify({ owner: 'gone', untilMs: Date.now() - 1 }));
    const taken = await b.claim('x.mp4');
    expect(taken).toBeDefined();
    await taken!.release();
    expect(readdirSync(claims)).toEqual([]);
  });

  it('stay with the watcher that took over a stale claim first, when a second one judged it stale at the same time', async () => {
    const { claims, a, b } = stores();
    const lock = join(claims, 'x.mp4.lock');
    writeFileSync(lock, JSON.stringify({ owner: 'gone', untilMs: Date.now() - 1 }));
    // a judges the claim stale, then waits there while b takes it over
    let bTook: Awaited<ReturnType<DirWatchStore['claim']>>;
    a.hooks.onStale = async () => {
      bTook = await b.claim('x.mp4');
    };
    // a then renamed b's new lock away and took the claim too (b saw its loss only at its next renewal)
    expect(await a.claim('x.mp4')).toBeUndefined();
    expect(bTook).toBeDefined();
    expect(bTook!.lost.aborted).toBe(false);
    expect(JSON.parse(readFileSync(lock, 'utf8')).owner).toMatch(/:/);
    await bTook!.release();
    expect(readdirSync(claims)).toEqual([]);
  });
});
