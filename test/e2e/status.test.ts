import * as grpc from '@grpc/grpc-js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { channelOptions, stylerunProto } from '../../common/proto.js';
import type { StatusReply__Output } from '../../proto/generated/stylerun/v1/StatusReply.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { dataDir, startCli } from '../support/cli.js';

describe('the coordinator Status call', () => {
  it('reports the live job: attempt, state, frames and every rank', async () => {
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
    const port = /coordinator on 127\.0\.0\.1:(\d+)/.exec(stderr)![1];
    const { Coordinator } = stylerunProto();
    const client = new Coordinator(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), channelOptions);
    const reply = await new Promise<StatusReply__Output>((resolve, reject) =>
      client.Status({}, { deadline: Date.now() + 2000 }, (err, r) => (err ? reject(err) : resolve(r!))),
    );
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
