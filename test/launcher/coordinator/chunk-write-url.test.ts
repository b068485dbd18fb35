import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { chunkRoute } from '../../../launcher/coordinator/rerun-loop.js';
import { CoordinatorServer } from '../../../launcher/coordinator/server.js';
import { coordinatorClient, type CoordinatorClient } from '../../../common/coordinator-client.js';

// ChunkWriteUrl over a real gRPC server on port 0: the launcher makes a write SAS for a chunk's blob only,
// and only for the job's own ranks. The SAS itself is made by common/storage/blob-chunk-store.ts (against
// Azurite in test/e2e/blob-work-dir.test.ts).
const jobToken = 'c4a7'.repeat(12);
const status = () => ({ job_id: 'j', job_state: 'styling', state: 'running', attempt: 1, total_frames: 1, committed_frames: 0, ranks: [] });

describe('ChunkWriteUrl', () => {
  let server: CoordinatorServer;
  let client: CoordinatorClient;
  const asked: string[] = [];

  async function start(makesUrls = true): Promise<void> {
    server = new CoordinatorServer(jobToken, status, undefined, makesUrls ? async (key) => (asked.push(key), `https://acct.blob.core.windows.net/ops/JOB/chunks/${key}?sig=x`) : undefined);
    client = coordinatorClient(`127.0.0.1:${await server.listen('127.0.0.1')}`);
  }

  function ask(token: string, key: string): Promise<{ code: grpc.status; url?: string }> {
    return new Promise((resolve) => {
      client.ChunkWriteUrl({ job_token: token, rank: 0, key }, { deadline: Date.now() + 5_000 }, (err, reply) => resolve(err ? { code: err.code } : { code: grpc.status.OK, url: reply!.url }));
    });
  }

  afterEach(async () => {
    client?.close();
    await server?.close();
    asked.length = 0;
  });

  it('answers a rank of the job with the URL for that chunk', async () => {
    await start();
    expect(await ask(jobToken, 'chunk-000000030-10.mp4')).toEqual({ code: grpc.status.OK, url: 'https://acct.blob.core.windows.net/ops/JOB/chunks/chunk-000000030-10.mp4?sig=x' });
  });

  it('refuses a wrong token, and any name that is not a chunk key (the job record, a path), making no URL', async () => {
    await start();
    expect((await ask('0'.repeat(48), 'chunk-000000030-10.mp4')).code).toBe(grpc.status.PERMISSION_DENIED);
    for (const key of ['../job.json', 'job.json', 'journal.jsonl', 'chunk-000000030-10.mp4/../../x']) expect((await ask(jobToken, key)).code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(asked).toEqual([]);
  });

  it('refuses in a job whose chunks are not in Blob storage', async () => {
    await start(false);
    expect((await ask(jobToken, 'chunk-000000030-10.mp4')).code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe('how a rank’s chunks reach the store', () => {
  const folder = { directory: true };
  const blobSigning = { directory: false, writeUrl: async () => '' };
  const blobWithSas = { directory: false };

  it('writes the folder on the launcher’s machine, and sends to the launcher from another host', () => {
    expect(chunkRoute(false, folder)).toBe('store');
    expect(chunkRoute(true, folder)).toBe('coordinator');
  });

  it('uploads to Blob storage from any host where the launcher can sign a SAS, else sends to the launcher', () => {
    expect(chunkRoute(false, blobSigning)).toBe('blob');
    expect(chunkRoute(true, blobSigning)).toBe('blob');
    expect(chunkRoute(false, blobWithSas)).toBe('coordinator');
    expect(chunkRoute(true, blobWithSas)).toBe('coordinator');
  });
});
