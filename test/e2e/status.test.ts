import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelOptions, stylerunProto } from '../../common/proto.js';
import type { StatusReply__Output } from '../../proto/generated/stylerun/v1/StatusReply.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, runCli, startCli } from '../support/cli.js';
import { invertJob } from '../support/invert-job.js';
import type { JobRecord } from '../../launcher/job-store/job-record.js';

describe('the coordinator Status call', () => {
  it('reports the live job (attempt, state, frames, every rank) to a caller with the job token, and to no other', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-status-'));
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const { child, done } = startCli(
      ['-n', '2', '--input', join(dataDir, 'video', 'bottle-detection.mp4'), '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', join(dir, 'work')],
      { cwd: dir },
    );
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!/barrier passed/.test(stderr)) await new Promise((r) => setTimeout(r, 100));
    // the running job's folder says where its coordinator is, and holds the token, for its owner only
    const workDir = /work folder (\S+)\)/.exec(stderr)![1];
    const recordPath = join(workDir, 'coordinator.json');
    expect(statSync(recordPath).mode & 0o777).toBe(0o600);
    const record = JSON.parse(readFileSync(recordPath, 'utf8')) as { address: string; jobToken: string };
    expect(record.address).toBe(`127.0.0.1:${/coordinator on 127\.0\.0\.1:(\d+)/.exec(stderr)![1]}`);
    const { Coordinator } = stylerunProto();
    const client = new Coordinator(record.address, grpc.credentials.createInsecure(), channelOptions);
    const status = (job_token?: string) =>
      new Promise<StatusReply__Output>((resolve, reject) =>
        client.Status(job_token === undefined ? {} : { job_token }, { deadline: Date.now() + 2000 }, (err, r) => (err ? reject(err) : resolve(r!))),
      );
    await expect(status()).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    await expect(status('0'.repeat(record.jobToken.length))).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
    const reply = await status(record.jobToken);
    client.close();
    child.kill('SIGINT');
    await done;
    expect(reply).toMatchObject({ job_state: 'styling', state: 'running', attempt: 1, total_frames: 1189 });
    expect(reply.job_id).toMatch(/^[0-9a-f]{8}$/);
    expect(reply.ranks.map((r) => [r.rank, r.state, r.execution_provider])).toEqual([
      [0, 'working', 'cpu'],
      [1, 'working', 'cpu'],
    ]);
    expect(reply.ranks.every((r) => r.pid > 0)).toBe(true);
  });

  it('is what `stylerun status` prints for a running job, as lines or JSON, and a stopped job says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-status-cli-'));
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    const work = join(dir, 'work');
    // rank 1 stops (SIGSTOP) late in its share and, with a long heartbeat timeout, the job waits for it: it is
    // still running whenever the calls below come, however busy the machine
    const { child, done } = startCli(['-n', '2', '--input', join(dataDir, 'video', 'bottle-detection.mp4'), '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', work, '--heartbeat-timeout', '600'], {
      cwd: dir, env: { STYLERUN_FAULT: 'rank=1,attempt=1,after=450,action=hang' },
    });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!/barrier passed/.test(stderr)) await new Promise((r) => setTimeout(r, 100));
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(stderr)![1]!;
    // from elsewhere too: by the coordinator's address, with the job token in a file only its owner may read
    const coordinator = JSON.parse(readFileSync(join(work, jobId, 'coordinator.json'), 'utf8')) as { address: string; jobToken: string };
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${coordinator.jobToken}\n`, { mode: 0o600 });
    const wrongFile = join(dir, 'wrong-token');
    writeFileSync(wrongFile, '0'.repeat(coordinator.jobToken.length), { mode: 0o600 });
    const [lines, json, byAddress, refused, noToken] = await Promise.all([
      runCli(['status', '--work-dir', work], { cwd: dir }), // the only running job
      runCli(['status', jobId, '--work-dir', work, '--json'], { cwd: dir }),
      runCli(['status', '--coordinator', coordinator.address], { cwd: dir, env: { STYLERUN_JOB_TOKEN_FILE: tokenFile } }),
      runCli(['status', '--coordinator', coordinator.address], { cwd: dir, env: { STYLERUN_JOB_TOKEN_FILE: wrongFile } }),
      runCli(['status', '--coordinator', coordinator.address], { cwd: dir }),
    ]);
    child.kill('SIGINT');
    await done;
    expect(lines.code, lines.stderr).toBe(0);
    expect(lines.stdout).toMatch(new RegExp(`^job ${jobId}: styling, attempt 1 \\(running\\), \\d+ of 1189 frames committed\n`));
    // however late the calls come on a busy machine: rank 0 working or done with its share, rank 1 (stopped) never done
    expect(lines.stdout).toMatch(/\n {2}rank 0 {2}(working|done) +\S+ pid \d+ {2}frames \d+ {2}cpu {2}heartbeat \d+\.\d s ago\n {2}rank 1 {2}working /);
    const reply = JSON.parse(json.stdout) as StatusReply__Output;
    expect(reply).toMatchObject({ job_id: jobId, job_state: 'styling', total_frames: 1189 });
    expect(reply.ranks.map((r) => r.rank)).toEqual([0, 1]);
    expect(Number(reply.ranks[0]!.last_heartbeat_ms_ago)).toBeLessThan(5_000); // rank 0 beats on, working or done
    expect(byAddress.code, byAddress.stderr).toBe(0);
    expect(byAddress.stdout).toMatch(new RegExp(`^job ${jobId}: styling, attempt 1 \\(running\\)`));
    expect([refused.code, refused.stderr.trim()]).toEqual([2, `stylerun: error: no answer from a coordinator at ${coordinator.address}: the job token was refused`]);
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain('status --coordinator needs the job token: set STYLERUN_JOB_TOKEN_FILE');
    for (const r of [byAddress, refused, noToken]) expect(r.stdout + r.stderr).not.toContain(coordinator.jobToken);
    // interrupted: the folder stays, with its record, and no coordinator answers
    const after = await runCli(['status', jobId, '--work-dir', work], { cwd: dir });
    expect(after.stdout.trim()).toMatch(new RegExp(`^job ${jobId} failed at \\S+: interrupted by SIGINT; finish it with stylerun --resume ${jobId} --work-dir ${work}$`));
    const none = await runCli(['status', '--work-dir', work], { cwd: dir });
    expect([none.code, none.stderr.trim()]).toEqual([2, `stylerun: error: no running job in ${work}; name one: stylerun status JOB`]);
  }, 120_000);

  it('answers from the job record once the job succeeded, as lines or JSON with its figures and timeline', async () => {
    const { dir, model, input } = await invertJob('status-done', 40);
    const work = join(dir, 'work');
    const r = await runCli(['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', work, '--chunk-frames', '10'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
    expect(r.stdout).toContain(`record ${join(work, jobId, 'job.json')}; report ${join(work, jobId, 'report.html')}`);
    const lines = await runCli(['status', jobId, '--work-dir', work], { cwd: dir });
    expect(lines.stdout.trim()).toMatch(new RegExp(`^job ${jobId} succeeded at \\S+: ${join(dir, 'out.mp4')}, 40 frames in \\d+\\.\\d\\d s \\(\\d+\\.\\d frames/s\\), 1 attempt\\(s\\); report ${join(work, jobId, 'report.html')}$`));
    const json = JSON.parse((await runCli(['status', jobId, '--work-dir', work, '--json'], { cwd: dir })).stdout) as { record: JobRecord };
    expect(json.record).toMatchObject({ jobId, state: 'succeeded', output: join(dir, 'out.mp4'), figures: { frames: 40 } });
    const lanes = json.record.history!.attempts[0]!.lanes;
    expect(lanes.map((l) => [l.rank, l.provider, l.device, l.frames])).toEqual([[0, 'cpu', 'cpu', 20], [1, 'cpu', 'cpu', 20]]);
    for (const l of lanes) {
      expect(l.readyMs).toBeLessThanOrEqual(json.record.history!.attempts[0]!.barrierMs!);
      expect(l.doneMs).toBeGreaterThanOrEqual(json.record.history!.attempts[0]!.barrierMs!);
      expect(l.chunks.map((c) => c.count)).toEqual([10, 10]);
    }
    // a succeeded job is not resumed
    const again = await runCli(['--resume', jobId, '--work-dir', work], { cwd: dir });
    expect([again.code, again.stderr.trim()]).toEqual([2, `stylerun: error: job ${jobId} succeeded already (${join(dir, 'out.mp4')}) and its chunks are gone (--keep-work keeps them): nothing to resume`]);
  }, 120_000);
});
