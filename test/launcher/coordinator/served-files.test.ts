import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffprobePath } from '../../../common/ffmpeg/binaries.js';
import { makeCoordinatorCertificate, pinnedAgent, type CoordinatorCertificate } from '../../../common/tls.js';
import { answerRange, serveFiles, type ServedFiles } from '../../../launcher/coordinator/served-files.js';
import { startHttpRelay } from '../../../common/http-relay.js';
import { downloadServed } from '../../../rank/model-download.js';
import { makeIndexedVideo } from '../../support/media.js';

describe('the byte range answered for a Range header', () => {
  it('honours one range, open-ended or a suffix, and sends the whole file for anything else', () => {
    expect(answerRange(undefined, 100)).toEqual({ kind: 'whole' });
    expect(answerRange('bytes=0-9', 100)).toEqual({ kind: 'part', start: 0, end: 9 });
    expect(answerRange('bytes=90-', 100)).toEqual({ kind: 'part', start: 90, end: 99 });
    expect(answerRange('bytes=90-500', 100)).toEqual({ kind: 'part', start: 90, end: 99 });
    expect(answerRange('bytes=-10', 100)).toEqual({ kind: 'part', start: 90, end: 99 });
    expect(answerRange('bytes=-500', 100)).toEqual({ kind: 'part', start: 0, end: 99 });
    expect(answerRange('bytes=0-1,5-9', 100)).toEqual({ kind: 'whole' });
    expect(answerRange('items=0-9', 100)).toEqual({ kind: 'whole' });
    expect(answerRange('bytes=100-', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(answerRange('bytes=9-3', 100)).toEqual({ kind: 'unsatisfiable' });
    expect(answerRange('bytes=-0', 100)).toEqual({ kind: 'unsatisfiable' });
  });
});

describe('the input and model served to ranks without the launcher’s disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-served-'));
  const video = join(dir, 'in.mp4');
  const model = join(dir, 'model.onnx');
  const token = 'c0de'.repeat(12);
  let cert: CoordinatorCertificate;
  let served: ServedFiles;

  /** One request straight to the server (as a stranger might), pinned to the job's certificate. */
  function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
    return new Promise((resolve, reject) => {
      request(`https://127.0.0.1:${served.port}${path}`, { agent: pinnedAgent(cert.certPem), headers }, (res) => {
        const parts: Buffer[] = [];
        res.on('data', (b: Buffer) => parts.push(b));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      }).on('error', reject).end();
    });
  }

  beforeAll(async () => {
    await makeIndexedVideo(video, 40, { audio: true });
    writeFileSync(model, Buffer.from('not really a model, just bytes to fetch'));
    cert = await makeCoordinatorCertificate();
    served = await serveFiles({ '/input.mp4': video, '/model.onnx': model }, token, '127.0.0.1', cert);
  });

  afterAll(() => served?.close());

  it('answers only the job token’s bearer, only for its files, with byte ranges', async () => {
    const bytes = readFileSync(video);
    expect((await get('/input.mp4')).status).toBe(401);
    expect((await get('/input.mp4', { authorization: `Bearer ${'f'.repeat(48)}` })).status).toBe(401);
    const auth = { authorization: `Bearer ${token}` };
    expect((await get('/../in.mp4', auth)).status).toBe(404);
    expect((await get(video, auth)).status).toBe(404);
    const part = await get('/input.mp4', { ...auth, range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 100-199/${bytes.length}`);
    expect(part.body.equals(bytes.subarray(100, 200))).toBe(true);
    expect((await get('/input.mp4', { ...auth, range: `bytes=${bytes.length}-` })).status).toBe(416);
    expect((await get('/input.mp4', auth)).body.equals(bytes)).toBe(true);
  });

  it('lets ffmpeg read the input through the rank’s loopback relay, which keeps the token off its command line', async () => {
    const relay = await startHttpRelay(`https://127.0.0.1:${served.port}/input.mp4`, { bearer: token, certPem: cert.certPem });
    try {
      expect(relay.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/input\.mp4$/);
      expect(relay.url).not.toContain(token);
      // counting frames after a seek makes ffmpeg ask for ranges
      const { stdout } = await promisify(execFile)(ffprobePath(), ['-v', 'error', '-select_streams', 'v', '-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', relay.url]);
      expect(stdout.trim()).toBe('40');
      // the relay serves its own secret path only
      const other = await fetch(relay.url.replace(/\/[0-9a-f]{32}\//, '/' + '0'.repeat(32) + '/'));
      expect(other.status).toBe(404);
    } finally {
      await relay.close();
    }
  });

  it('gives the model to a rank pinned to the job’s certificate, and to no other', async () => {
    const dest = join(dir, 'downloaded.onnx');
    await downloadServed(`https://127.0.0.1:${served.port}/model.onnx`, token, cert.certPem, dest);
    expect(readFileSync(dest).equals(readFileSync(model))).toBe(true);
    const stranger = await makeCoordinatorCertificate();
    await expect(downloadServed(`https://127.0.0.1:${served.port}/model.onnx`, token, stranger.certPem, join(dir, 'x.onnx'))).rejects.toThrow(/could not download the model from the launcher: .*certificate/);
    await expect(downloadServed(`https://127.0.0.1:${served.port}/model.onnx`, 'e'.repeat(48), cert.certPem, join(dir, 'y.onnx'))).rejects.toThrow(/answered 401/);
  });
});
