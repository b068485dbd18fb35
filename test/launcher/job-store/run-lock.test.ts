import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
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
  });

  it('reads this process’s start time, and none for a pid that does not exist', () => {
    expect(processStart(process.pid)).toBeGreaterThan(0);
    expect(processStart(2 ** 22 + 1)).toBeNull();
  });
});
