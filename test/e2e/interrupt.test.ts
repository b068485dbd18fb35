import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { alive, dataDir, processesMentioning, rankPids, startCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-int-'));
const model = join(dir, 'invert.onnx');
writeFileSync(model, invertModel());
const input = join(dataDir, 'video', 'bottle-detection.mp4');

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('interrupting the launcher', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129], // the terminal or ssh session hung up: it killed the launcher at once
  ] as const)('%s stops every rank, leaves no output and exits %i', async (signal, code) => {
    const outDir = mkdtempSync(join(dir, 'out-'));
    const { child, done } = startCli(['-n', '2', '--input', input, '--output', join(outDir, 'styled.mp4'), '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    expect(await until(() => /barrier passed/.test(stderr), 60_000)).toBe(true);
    const pids = rankPids(stderr);
    expect(pids).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1000));
    child.kill(signal);
    const r = await done;
    expect(r.code).toBe(code);
    expect(r.stderr.trim().split('\n').pop()).toMatch(new RegExp(`^stylerun: error: interrupted by ${signal}`));
    expect(readdirSync(outDir)).toEqual([]);
    expect(pids.filter(alive)).toEqual([]);
    expect(processesMentioning(join(dir, 'work'))).toEqual([]); // no ffmpeg left writing a chunk
  });
});

describe('a second Ctrl-C', () => {
  it('stops at once, still with one line that says how to finish the job, and no output or half-written file beside it', async () => {
    const outDir = mkdtempSync(join(dir, 'out-'));
    const work = join(dir, 'work-twice');
    const { child, done } = startCli(['-n', '2', '--input', input, '--output', join(outDir, 'styled.mp4'), '--model', model, '--work-dir', work], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    expect(await until(() => /barrier passed/.test(stderr), 60_000)).toBe(true);
    const pids = rankPids(stderr);
    expect(pids).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    // the ranks are stuck (as in a long GPU call), so the first Ctrl-C cannot end the job on its own; the second is
    // pressed once the launcher has said it got the first: two signals sent a few ms apart to a process not yet
    // scheduled would be one pending signal to the kernel, never two
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    child.kill('SIGINT');
    expect(await until(() => /SIGINT: stopping the ranks \(again to force\)/.test(stderr), 10_000)).toBe(true);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(130);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^stylerun: error: interrupted by SIGINT again: stopped at once; finish it with stylerun --resume [0-9a-f]{8} --work-dir \S+$/);
    expect(readdirSync(outDir)).toEqual([]);
    expect(await until(() => pids.filter(alive).length === 0, 5_000)).toBe(true);
  });
});
