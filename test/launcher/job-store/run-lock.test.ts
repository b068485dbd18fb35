import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { rootDir } from '../../support/cli.js';
import { describe, expect, it } from 'vitest';
import { processStart, takeRunLock } from '../../../launcher/job-store/run-lock.js';

const lockIn = (dir: string) => join(dir, 'launcher.lock');

describe('a job’s run lock', () => {
  it('is held by one launcher at a time, and free again once released', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-lock-'));
    const release = takeRunLock(dir, '1a2b3c4d');
    expect(JSON.parse(readFileSync(lockIn(dir), 'utf8'))).toEqual({ pid: process.pid, host: hostname(), started: processStart(process.pid) });
    // this process still runs: a second launcher (here, a second take) is refused
    expect(() => takeRunLock(dir, '1a2b3c4d')).toThrow(`job 1a2b3c4d is being run by process ${process.pid} on this machine: wait for it, or stop it first`);
    release();
    takeRunLock(dir, '1a2b3c4d')();
  });

  it('is taken over from a launcher that is gone, or whose pid another process has since', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-lock-'));
    writeFileSync(lockIn(dir), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started: 1 })); // no such pid
    takeRunLock(dir, '1a2b3c4d')();
    writeFileSync(lockIn(dir), JSON.stringify({ pid: process.pid, host: hostname(), started: (processStart(process.pid) ?? 0) - 1 }));
    takeRunLock(dir, '1a2b3c4d')();
    writeFileSync(lockIn(dir), 'half writ'); // torn
    takeRunLock(dir, '1a2b3c4d')();
    // a launcher killed in the middle of a takeover left its guard: it is gone too
    writeFileSync(lockIn(dir), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started: 1 }));
    writeFileSync(`${lockIn(dir)}.takeover`, JSON.stringify({ pid: 2 ** 22 + 2, host: hostname(), started: 1 }));
    takeRunLock(dir, '1a2b3c4d')();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('is taken over from a dead launcher by one of two launchers judging it stale at once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-lock-'));
    writeFileSync(lockIn(dir), JSON.stringify({ pid: 2 ** 22 + 1, host: hostname(), started: 1 })); // its launcher is gone
    const judged = join(dir, 'first-judged');
    const lockModule = pathToFileURL(join(rootDir, 'dist/launcher/job-store/run-lock.js')).href;
    // a launcher in a process of its own: takes the lock (the first held, once it judged the lock stale, until the
    // second has taken it over), holds it a while, and says what it got
    const launcher = (holdFirst: boolean) => {
      const code = `
        import { writeFileSync } from 'node:fs';
        import { takeRunLock } from ${JSON.stringify(lockModule)};
        const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
        let held = ${holdFirst};
        const onStale = () => { if (held) { held = false; writeFileSync(${JSON.stringify(judged)}, ''); sleep(800); } };
        try { const release = takeRunLock(${JSON.stringify(dir)}, '1a2b3c4d', { onStale }); console.log('got'); sleep(1500); release(); }
        catch (e) { console.log(e.message); }`;
      const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      return { pid: child.pid!, said: new Promise<string>((res) => child.on('close', () => res(out.trim()))) };
    };
    const first = launcher(true);
    for (let i = 0; i < 100 && !existsSync(judged); i++) await new Promise((res) => setTimeout(res, 50));
    expect(existsSync(judged)).toBe(true);
    const second = launcher(false);
    // the second takes the stale lock over while the first waits; the first then finds the second's lock, which
    // it must not remove (it did: both ran the job)
    expect(await second.said).toBe('got');
    expect(await first.said).toBe(`job 1a2b3c4d is being run by process ${second.pid} on this machine: wait for it, or stop it first`);
    expect(readdirSync(dir).filter((f) => f !== 'first-judged')).toEqual([]);
  });

  it('reads this process’s start time, and none for a pid that does not exist', () => {
    expect(processStart(process.pid)).toBeGreaterThan(0);
    expect(processStart(2 ** 22 + 1)).toBeNull();
  });
});
