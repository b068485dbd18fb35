import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { alive, dataDir, processesMentioning, rankPids, runCli, startCli } from '../support/cli.js';
import { frameHashes } from '../support/media.js';
import { jobFolders, keptAfterSuccess } from '../support/job-folders.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-faults-'));
const model = join(dir, 'invert.onnx');
const input = join(dataDir, 'video', 'stream-of-water.mp4'); // 90 frames, real audio
const common = ['--model', model, '--chunk-frames', '8', '--heartbeat-timeout', '2', '--work-dir', join(dir, 'work')];
let reference: string[];

async function styled(name: string, args: string[], fault?: string): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  const output = join(dir, `${name}.mp4`);
  const r = await runCli(['--input', input, '--output', output, ...common, ...args], { cwd: dir, env: fault ? { STYLERUN_FAULT: fault } : {} });
  return { ...r, output };
}

beforeAll(async () => {
  writeFileSync(model, invertModel());
  const r = await styled('reference', ['-n', '2']);
  expect(r.code, r.stderr).toBe(0);
  reference = await frameHashes(r.output);
});

describe('a job survives rank failures with exactly the output of a fault-free run', () => {
  it('reruns only uncommitted frames after a rank is killed with SIGKILL mid-range', async () => {
    const r = await styled('crash', ['-n', '2'], 'rank=1,attempt=1,after=20,action=crash');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1: failed, 2 ranks, 90 frames .*root cause: rank 1 .*killed by SIGKILL/);
    const second = /attempt 2: succeeded, 2 ranks, (\d+) frames/.exec(r.stdout);
    expect(Number(second?.[1])).toBeLessThan(90);
    expect(await frameHashes(r.output)).toEqual(reference);
  });

  it('detects a SIGSTOPped rank by its missing heartbeats and reruns', async () => {
    const r = await styled('hang', ['-n', '2'], 'rank=0,attempt=1,after=16,action=hang');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1: failed.*root cause: rank 0 .*no heartbeat for \d+ ms/);
    expect(await frameHashes(r.output)).toEqual(reference);
  });

  it('records a rank that receives SIGTERM as preempted and reruns', async () => {
    const r = await styled('preempt', ['-n', '2'], 'rank=1,attempt=1,after=16,action=preempt');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 1: failed.*root cause: rank 1 .*preempted \(SIGTERM\)/);
    expect(await frameHashes(r.output)).toEqual(reference);
  });

  it('redoes every frame with --rerun whole', async () => {
    const r = await styled('whole', ['-n', '2', '--rerun', 'whole'], 'rank=1,attempt=1,after=20,action=crash');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 2: succeeded, 2 ranks, 90 frames/);
    expect(await frameHashes(r.output)).toEqual(reference);
  });

  it('gives up with exit code 7, naming the root cause, when a rank fails on every attempt', async () => {
    const r = await styled('hopeless', ['-n', '2', '--max-restarts', '1'], 'rank=1,after=8,action=exit');
    expect(r.code).toBe(7);
    expect(r.stderr.trim().split('\n').pop()).toMatch(/^stylerun: error: gave up after 2 attempts .*root cause: rank 1 .*process exited with code 3; finish it with stylerun --resume [0-9a-f]{8} --work-dir \S+$/);
    expect(r.stderr).toMatch(/attempt 2 of 2/);
    expect(existsSync(r.output)).toBe(false);
  });

  it('leaves out a slot that fails on consecutive attempts when --min-ranks allows', async () => {
    const r = await styled('shrink', ['-n', '2', '--min-ranks', '1', '--max-restarts', '3'], 'rank=1,after=8,action=exit');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attempt 3: succeeded, 1 ranks/);
    expect(r.stderr).toMatch(/left out slot\(s\) 1/);
    expect(await frameHashes(r.output)).toEqual(reference);
  });
});

describe('a killed launcher', () => {
  it('takes its ranks down within seconds, and --resume finishes doing only uncommitted frames', async () => {
    const bottle = join(dataDir, 'video', 'bottle-detection.mp4'); // long enough to kill mid-run
    const work = join(dir, 'resume-work');
    const output = join(dir, 'resumed.mp4');
    const args = ['-n', '2', '--input', bottle, '--output', output, '--model', model, '--chunk-frames', '16', '--work-dir', work];
    const { child, done } = startCli(args, { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const jobId = await new Promise<string>((resolve) => {
      const t = setInterval(() => {
        const m = /job ([0-9a-f]{8})/.exec(stderr);
        const journal = m ? join(work, m[1], 'journal.jsonl') : '';
        if (m && existsSync(journal) && readFileSync(journal, 'utf8').split('\n').length > 10) {
          clearInterval(t);
          resolve(m[1]);
        }
      }, 100);
    });
    const pids = rankPids(stderr);
    child.kill('SIGKILL');
    await done;
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && (pids.some(alive) || processesMentioning(work).length)) await new Promise((r) => setTimeout(r, 100));
    expect(pids.filter(alive)).toEqual([]);
    expect(processesMentioning(work)).toEqual([]);
    expect(existsSync(output)).toBe(false);

    const r = await runCli(['--resume', jobId, '--work-dir', work], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const committed = Number(/resuming: (\d+) frames already committed/.exec(r.stderr)?.[1]);
    expect(committed).toBeGreaterThan(0);
    expect(r.stdout).toMatch(new RegExp(`attempt 1: succeeded, 2 ranks, ${1189 - committed} frames`));
    expect(jobFolders(work)).toEqual([keptAfterSuccess]);

    const fresh = await runCli([...args.slice(0, 4), '--output', join(dir, 'bottle-reference.mp4'), ...args.slice(6)], { cwd: dir });
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(await frameHashes(output)).toEqual(await frameHashes(join(dir, 'bottle-reference.mp4')));
  }, 400_000); // three jobs over 1189 frames: minutes on a busy 2-core machine
});

describe('resuming a job that had committed every frame', () => {
  it('only gathers the output again', async () => {
    const work = join(dir, 'complete-work');
    const first = await runCli(['-n', '2', '--input', input, '--output', join(dir, 'complete.mp4'), '--model', model, '--work-dir', work, '--keep-work'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{8})/.exec(first.stderr)![1];
    const again = join(dir, 'complete-again.mp4');
    const r = await runCli(['--resume', jobId, '--work-dir', work, '--output', again], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/resuming: 90 frames already committed/);
    expect(r.stderr).toMatch(/every frame is committed: nothing to style/);
    expect(r.stderr).not.toMatch(/attempt 1 of/);
    expect(await frameHashes(again)).toEqual(await frameHashes(join(dir, 'complete.mp4')));
  });
});
