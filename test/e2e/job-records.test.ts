import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli, type CliResult } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

// `status`, `report` and `--resume` read job folders a user names; what is there may not be a job stylerun
// wrote. Each case is one line and a documented exit code, never an internal error (exit 1) or a false "fine".
const dir = mkdtempSync(join(tmpdir(), 'stylerun-records-'));
const work = join(dir, 'work');
mkdirSync(join(work, '0badf00d'), { recursive: true });
writeFileSync(join(work, '0badf00d', 'job.json'), '{"a":1}\n'); // JSON, but no job record
mkdirSync(join(work, '0e0e0e0e'), { recursive: true }); // a folder with no record at all
writeFileSync(join(dir, 'a-file'), 'not a folder\n');

function oneLine(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^stylerun: error: /);
  expect(lines[0]).toMatch(message);
}

const stylerun = (args: string[]) => runCli(args, { cwd: dir });

describe('a job folder that holds no job', () => {
  it('is refused by --resume with exit code 2', async () => {
    oneLine(await stylerun(['--resume', '0badf00d', '--work-dir', work]), 2, /job 0badf00d: .*job\.json is not a stylerun job record/);
  });

  it('is refused by report with exit code 2', async () => {
    oneLine(await stylerun(['report', '0badf00d', '--work-dir', work]), 2, /is not a stylerun job record/);
  });

  it('is refused by status with exit code 2, record or not', async () => {
    oneLine(await stylerun(['status', '0badf00d', '--work-dir', work]), 2, /is not a stylerun job record/);
    oneLine(await stylerun(['status', '0e0e0e0e', '--work-dir', work]), 2, /no job 0e0e0e0e in /);
  });
});

describe('status', () => {
  it('refuses a name that is no job id with exit code 2 (a path answered "not running", exit 0)', async () => {
    oneLine(await stylerun(['status', '../../x', '--work-dir', work]), 2, /status needs a job id like 1a2b3c4d, got "\.\.\/\.\.\/x"/);
  });

  it('refuses a --work-dir that is a file with exit code 2 (it was an internal error)', async () => {
    oneLine(await stylerun(['status', '--work-dir', join(dir, 'a-file')]), 2, /cannot read .*a-file \(not a folder\); check --work-dir/);
  });
});

describe('status without a job id', () => {
  it('counts no job whose launcher was killed before it removed its coordinator record (two made it "2 running jobs")', async () => {
    const stale = join(dir, 'stale');
    for (const id of ['5a1e0001', '5a1e0002']) {
      mkdirSync(join(stale, id), { recursive: true });
      writeFileSync(join(stale, id, 'job.json'), JSON.stringify({ jobId: id, createdAt: '2026-11-28T00:00:00Z', options: { input: 'a.mp4', output: 'b.mp4' }, state: 'running' }));
      // port 1 on loopback: nothing listens, as after a SIGKILL
      writeFileSync(join(stale, id, 'coordinator.json'), JSON.stringify({ jobId: id, address: '127.0.0.1:1', pid: 999999, jobToken: 'f'.repeat(48) }), { mode: 0o600 });
    }
    oneLine(await stylerun(['status', '--work-dir', stale]), 2, /no running job in .*stale; name one: stylerun status JOB$/);
  });
});

describe('report --output', () => {
  it('that cannot be written is exit code 5 (it was an internal error)', async () => {
    const job = join(work, '1a2b3c4d');
    mkdirSync(job, { recursive: true });
    writeFileSync(join(job, 'job.json'), JSON.stringify({ jobId: '1a2b3c4d', createdAt: '2026-11-28T00:00:00Z', options: { input: 'a.mp4', output: 'b.mp4' }, state: 'failed' }));
    oneLine(await stylerun(['report', '1a2b3c4d', '--work-dir', work, '--output', dir]), 5, /cannot write .*: it is a folder$/);
    oneLine(await stylerun(['report', '1a2b3c4d', '--work-dir', work, '--output', join(dir, 'nowhere', 'r.html')]), 5, /its folder does not exist$/);
  });
});

describe('--resume of a job that is still running', () => {
  it('is refused with exit code 2 while its coordinator answers (a second run deleted its staged chunks and redid its frames)', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const input = join(dir, 'in.mp4');
    await makeIndexedVideo(input, 8);
    const running = join(dir, 'work-running');
    // rank 1 hangs after its second frame, and with a long heartbeat timeout the job waits for it: running for as long as needed
    const { child, done } = startCli(['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', running, '--heartbeat-timeout', '600'], {
      cwd: dir, env: { STYLERUN_FAULT: 'rank=1,after=2,action=hang' },
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!/barrier passed/.test(stderr)) await new Promise((r) => setTimeout(r, 100));
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(stderr)![1]!;
    const second = await stylerun(['--resume', jobId, '--work-dir', running]);
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    oneLine(second, 2, new RegExp(`job ${jobId} is running \\(launcher pid \\d+, coordinator 127\\.0\\.0\\.1:\\d+\\): wait for it, or stop it first`));
  }, 60_000);
});

describe('two --resume of one job at once', () => {
  it('run it once: one finishes it, the other is refused with exit code 2 (both ran, each deleting the other’s staged chunks)', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const input = join(dir, 'in-twice.mp4');
    await makeIndexedVideo(input, 24);
    const work = join(dir, 'work-twice');
    const output = join(dir, 'out-twice.mp4');
    // a job stopped part-way: rank 1 hangs after its second frame, and a SIGINT ends the job
    const { child, done } = startCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--work-dir', work, '--chunk-frames', '2', '--heartbeat-timeout', '600'], {
      cwd: dir, env: { STYLERUN_FAULT: 'rank=1,attempt=1,after=2,action=hang' },
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!/barrier passed/.test(stderr)) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGINT');
    expect((await done).code).toBe(130);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(stderr)![1]!;
    const both = await Promise.all([0, 1].map(() => stylerun(['--resume', jobId, '--work-dir', work])));
    expect(both.map((r) => r.code).sort(), both.map((r) => r.stderr).join('\n')).toEqual([0, 2]);
    // refused once it has probed the input (its log lines come first), before it touches the job's folder
    const refused = both.find((r) => r.code === 2)!;
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^stylerun: error: job ${jobId} (is being run by process \\d+|is running|succeeded already)`));
    expect(both.find((r) => r.code === 0)!.stdout).toMatch(/frames 24, /);
  }, 90_000);
});
