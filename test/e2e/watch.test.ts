import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli } from '../support/cli.js';
import { startAzurite, type Azurite } from '../../scripts/azurite/azurite.js';
import { makeIndexedVideo, readIndices } from '../support/media.js';

// `stylerun watch` against a real Azurite: two watchers over the same uploads, one killed mid-job.
describe('stylerun watch over a Blob container', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-watch-'));
  const model = join(dir, 'invert.onnx');
  const good = [41, 47, 53, 59, 61, 67]; // frames of each good upload, all different
  let azurite: Azurite;

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    azurite = await startAzurite();
    for (const c of ['uploads', 'styled', 'ops']) await azurite.service.createContainer(c);
    const uploads = azurite.service.getContainerClient('uploads');
    for (const n of good) {
      const path = join(dir, `clip-${n}.mp4`);
      await makeIndexedVideo(path, n);
      await uploads.getBlockBlobClient(`in/clip-${n}.mp4`).uploadFile(path);
    }
    const text = 'this is not a video\n';
    await uploads.getBlockBlobClient('in/poison-text.mp4').upload(text, text.length);
    const truncated = readFileSync(join(dir, `clip-${good[0]}.mp4`)).subarray(0, 1500);
    await uploads.getBlockBlobClient('in/poison-truncated.mp4').upload(truncated, truncated.length);
    await uploads.getBlockBlobClient('in/notes.txt').upload('ignored', 7);
  }, 120_000);

  afterAll(() => azurite?.stop());

  const names = async (container: string, prefix = '') => {
    const out: string[] = [];
    for await (const b of azurite.service.getContainerClient(container).listBlobsFlat({ prefix })) out.push(b.name);
    return out.sort();
  };

  it('runs each upload once over two watchers, one killed mid-job, parks the poison, and keeps secrets out of its records', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    // the jobs' folders are in Blob storage too, and each watcher runs in a folder of its own: a job the killed
    // watcher began is resumed by the other from Blob storage alone
    const args = ['watch', 'az://uploads/in', '--styled', 'az://styled', '--ops', 'az://ops', '--interval', '1', '--max-failures', '2', '--claim-seconds', '15',
      '-n', '1', '--model', model, '--chunk-frames', '5', '--work-dir', 'az://ops/jobs'];
    const a = startCli(args, { cwd: mkdtempSync(join(dir, 'watcher-a-')), env });
    const b = startCli(args, { cwd: mkdtempSync(join(dir, 'watcher-b-')), env });
    // watcher A dies (SIGKILL: no chance to release its claim) once its first job has committed a chunk, however
    // slow a busy machine makes it: the other must then resume that job, not start it anew
    let aErr = '';
    await new Promise<void>((resolve) => {
      a.child.stderr!.on('data', (chunk: Buffer) => {
        aErr += chunk.toString();
        if (/in\/clip-\d+\.mp4: job [0-9a-f]{8}/.test(aErr)) resolve();
      });
    });
    const firstJob = /in\/clip-\d+\.mp4: job ([0-9a-f]{8})/.exec(aErr)![1]!;
    for (let i = 0; i < 600 && (await names('ops', `jobs/${firstJob}/chunks/`)).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    a.child.kill('SIGKILL');
    const killedUpload = /(in\/clip-\d+\.mp4): job [0-9a-f]{8}/.exec(aErr)![1]!;
    const deadline = Date.now() + 180_000;
    while (Date.now() < deadline) {
      if ((await names('styled')).length === good.length && (await names('ops', 'parked/')).filter((n) => n.endsWith('.json')).length === 2) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    b.child.kill('SIGTERM');
    const [ra, rb] = [await a.done, await b.done];
    const logs = aErr + rb.stderr;
    expect(await names('styled')).toEqual(good.map((n) => `clip-${n}.mp4`).sort());
    for (const n of good) {
      const path = join(dir, `styled-${n}.mp4`);
      await azurite.service.getContainerClient('styled').getBlobClient(`clip-${n}.mp4`).downloadToFile(path);
      expect(await readIndices(path, true)).toEqual([...Array(n).keys()]);
    }
    // exactly once: one "done" per upload over both watchers, and one done record each
    for (const n of good) expect(logs.match(new RegExp(`in/clip-${n}\\.mp4: done -> `, 'g'))?.length, `clip-${n}`).toBe(1);
    expect((await names('ops', 'done/')).length).toBe(good.length);
    // the killed watcher's upload was taken over once its claim ran out, and resumed from its committed chunks
    expect(rb.stderr).toMatch(new RegExp(`${killedUpload.replace('.', '\\.')}: job [0-9a-f]{8} \\(resuming\\)`));
    // every job's record stayed in Blob storage, succeeded
    const jobRecords = (await names('ops', 'jobs/')).filter((n) => n.endsWith('/job.json'));
    expect(jobRecords.length).toBe(good.length);
    for (const n of jobRecords) expect(JSON.parse((await azurite.service.getContainerClient('ops').getBlobClient(n).downloadToBuffer()).toString())).toMatchObject({ state: 'succeeded' });
    // the poison: tried twice each, then moved aside with its error; the others never waited on them
    expect(await names('ops', 'parked/')).toEqual(['parked/in/poison-text.mp4', 'parked/in/poison-text.mp4.json', 'parked/in/poison-truncated.mp4', 'parked/in/poison-truncated.mp4.json']);
    const record = JSON.parse((await azurite.service.getContainerClient('ops').getBlobClient('parked/in/poison-text.mp4.json').downloadToBuffer()).toString());
    expect(record).toMatchObject({ upload: 'in/poison-text.mp4', failures: 2, exitCode: 3 });
    expect(record.error).toMatch(/is not a video/);
    // done uploads stay where they were; parked ones were moved; notes.txt never matched *.mp4
    expect(await names('uploads')).toEqual([...good.map((n) => `in/clip-${n}.mp4`), 'in/notes.txt'].sort());
    // the launcher's and each rank's log of every run, kept in the ops store on success and on failure
    const kept = await names('ops', 'logs/');
    const logsOf = (upload: string, file: string) => kept.filter((n) => n.startsWith(`logs/${upload}/`) && n.endsWith(`/${file}`)).length;
    expect([logsOf('in/clip-41.mp4', 'launcher.log'), logsOf('in/clip-41.mp4', 'rank.0.log')].every((n) => n > 0)).toBe(true);
    expect(logsOf('in/poison-text.mp4', 'launcher.log')).toBe(2); // failed twice, before any rank started
    const poisonLog = kept.find((n) => n.startsWith('logs/in/poison-text.mp4/') && n.endsWith('/launcher.log'))!;
    expect((await azurite.service.getContainerClient('ops').getBlobClient(poisonLog).downloadToBuffer()).toString()).toMatch(/in\/poison-text\.mp4: failed .*is not a video/);
    // no secret in any record or log line
    const records = await Promise.all((await names('ops')).filter((n) => n.endsWith('.json') || n.endsWith('.log')).map(async (n) => (await azurite.service.getContainerClient('ops').getBlobClient(n).downloadToBuffer()).toString()));
    const key = /AccountKey=([^;]+)/.exec(azurite.connectionString)![1]!;
    for (const text of [...records, logs, rb.stdout]) expect(text.includes(key)).toBe(false);
    expect(ra.signal).toBe('SIGKILL');
  }, 300_000);

  it('refuses a claim time outside a blob lease’s 15-60 s with exit code 2', async () => {
    const r = await runCli(['watch', 'az://uploads', '--styled', 'az://styled', '--claim-seconds', '5'], { env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString } });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('stylerun: error: --claim-seconds must be 15 to 60 (a blob lease\'s range), got 5');
  });
});

describe('stylerun watch over a directory', () => {
  it('runs each file once over two watchers, takes over a claim past its time, and parks the poison', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-watch-dir-'));
    const uploads = join(dir, 'uploads');
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    mkdirSync(join(uploads, 'in'), { recursive: true });
    const frames = [23, 29, 31];
    for (const n of frames) await makeIndexedVideo(join(uploads, 'in', `clip-${n}.mp4`), n);
    writeFileSync(join(uploads, 'in', 'poison.mp4'), 'not a video');
    writeFileSync(join(uploads, '.partial.mp4'), 'an upload still being written, under a hidden name');
    // a claim left by a watcher that died long ago
    const claims = join(dir, 'ops', 'claims', 'in');
    mkdirSync(claims, { recursive: true });
    writeFileSync(join(claims, `clip-${frames[0]}.mp4.lock`), JSON.stringify({ owner: 'gone:1:x', untilMs: Date.now() - 60_000 }));
    await new Promise((r) => setTimeout(r, 2100)); // files are taken once they have settled
    const args = ['watch', uploads, '--styled', join(dir, 'styled'), '--ops', join(dir, 'ops'), '--once', '--max-failures', '1', '--claim-seconds', '15',
      '-n', '1', '--model', model, '--chunk-frames', '5', '--work-dir', join(dir, 'work')];
    const [a, b] = await Promise.all([runCli(args, { cwd: dir }), runCli(args, { cwd: dir })]);
    expect([a.code, b.code], a.stderr + b.stderr).toEqual([0, 0]);
    const logs = a.stderr + b.stderr;
    for (const n of frames) {
      expect(logs.match(new RegExp(`in/clip-${n}\\.mp4: done -> `, 'g'))?.length, `clip-${n}`).toBe(1);
      expect(await readIndices(join(dir, 'styled', 'in', `clip-${n}.mp4`), true)).toEqual([...Array(n).keys()]);
    }
    expect(readdirSync(join(dir, 'ops', 'parked', 'in')).sort()).toEqual(['poison.mp4', 'poison.mp4.json']);
    expect(existsSync(join(uploads, 'in', 'poison.mp4'))).toBe(false);
    expect(existsSync(join(uploads, '.partial.mp4'))).toBe(true); // hidden: never taken
    expect(readdirSync(join(dir, 'ops', 'claims', 'in'))).toEqual([]); // every claim released
  }, 180_000);
});
