import * as grpc from '@grpc/grpc-js';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalChunkStore } from '../../../common/storage/local-store.js';
import { receiveChunk } from '../../../launcher/coordinator/chunk-receiver.js';
import { CoordinatorServer } from '../../../launcher/coordinator/server.js';
import { ChunkUpload } from '../../../rank/chunk-upload.js';
import { coordinatorClient, type CoordinatorClient } from '../../../common/coordinator-client.js';

// The rank's ChunkUpload against the coordinator's PutChunk and receiver, over a real gRPC server on port 0.
const jobToken = 'b0a7'.repeat(12);
const status = () => ({ job_id: 'j', job_state: 'styling', state: 'running', attempt: 1, total_frames: 1, committed_frames: 0, ranks: [] });

describe('chunks sent to the coordinator (no shared disk)', () => {
  let dir: string;
  let store: LocalChunkStore;
  let server: CoordinatorServer;
  let client: CoordinatorClient;

  async function start(takesUploads = true): Promise<void> {
    server = new CoordinatorServer(jobToken, status, takesUploads ? (h, pieces) => receiveChunk(store, h, pieces) : undefined);
    client = coordinatorClient(`127.0.0.1:${await server.listen('127.0.0.1')}`);
  }

  /** Sends a header and pieces by hand, as a broken or hostile sender might; resolves with the call's status code. */
  function send(header: { job_token?: string; key: string; sha256: string; size: number }, pieces: Buffer[]): Promise<grpc.status> {
    return new Promise((resolve) => {
      const call = client.PutChunk({ deadline: Date.now() + 5_000 }, (err) => resolve(err ? err.code : grpc.status.OK));
      call.write({ header: { job_token: jobToken, rank: 3, ...header } });
      for (const data of pieces) call.write({ data });
      call.end();
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stylerun-upload-'));
    store = new LocalChunkStore(join(dir, 'store'));
  });

  afterEach(async () => {
    client?.close();
    await server?.close();
  });

  it('stores a chunk of many pieces under its key, byte for byte, and leaves nothing staged on either side', async () => {
    await start();
    const upload = new ChunkUpload(client, jobToken, 3, join(dir, 'rank'));
    const bytes = randomBytes(1_300_000); // three pieces of at most 512 KiB
    const staged = upload.stagingPath('chunk-000000069-69.mp4');
    writeFileSync(staged, bytes);
    await upload.commit(staged, 'chunk-000000069-69.mp4', createHash('sha256').update(bytes).digest('hex'));
    expect(readFileSync(join(store.dir, 'chunk-000000069-69.mp4')).equals(bytes)).toBe(true);
    expect(readdirSync(store.dir)).toEqual(['chunk-000000069-69.mp4']);
    expect(readdirSync(join(dir, 'rank'))).toEqual([]);
  });

  it('refuses a wrong job token, a key that is not a chunk key, and bytes that are not the announced ones, storing nothing', async () => {
    await start();
    const bytes = randomBytes(1000);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = 'chunk-000000000-5.mp4';
    expect(await send({ job_token: 'x'.repeat(48), key, sha256, size: 1000 }, [bytes])).toBe(grpc.status.PERMISSION_DENIED);
    expect(await send({ key: '../../escape.mp4', sha256, size: 1000 }, [bytes])).toBe(grpc.status.INVALID_ARGUMENT);
    expect(await send({ key, sha256: sha256.replace(/^./, (c) => (c === '0' ? '1' : '0')), size: 1000 }, [bytes])).toBe(grpc.status.DATA_LOSS);
    expect(await send({ key, sha256, size: 1000 }, [bytes.subarray(0, 999)])).toBe(grpc.status.DATA_LOSS);
    expect(await send({ key, sha256, size: 999 }, [bytes])).toBe(grpc.status.DATA_LOSS);
    expect(readdirSync(store.dir)).toEqual([]);
    expect(readdirSync(dir)).toEqual(['store']); // and nothing escaped the store
    expect(await send({ key, sha256, size: 1000 }, [bytes.subarray(0, 400), bytes.subarray(400)])).toBe(grpc.status.OK);
    expect(readdirSync(store.dir)).toEqual([key]);
  });

  it('refuses uploads in a job whose ranks all share the launcher’s disk', async () => {
    await start(false);
    expect(await send({ key: 'chunk-000000000-5.mp4', sha256: '0'.repeat(64), size: 1 }, [Buffer.of(1)])).toBe(grpc.status.UNIMPLEMENTED);
  });
});
