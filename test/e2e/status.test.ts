import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelOptions, stylerunProto } from '../../common/proto.js';
import type { StatusReply__Output } from '../../proto/generated/stylerun/v1/StatusReply.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, startCli } from '../support/cli.js';

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
});
