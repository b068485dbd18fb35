import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli } from '../support/cli.js';
import { startAzurite, type Azurite } from '../../scripts/azurite/azurite.js';
import { frameHashes, makeIndexedVideo, readIndices } from '../support/media.js';
import { argvLeaks } from '../support/argv-scan.js';

// Inputs and outputs in Blob storage: a real Azurite (npm `azurite`) on a free port, no SDK mocks.
describe('--input and --output in Blob storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-blob-'));
  const model = join(dir, 'invert.onnx');
  const video = join(dir, 'indexed.mp4');
  const frames = 60;
  let azurite: Azurite;
  const local = join(dir, 'local.mp4'); // the same job on local disk, to compare with

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(video, frames, { audio: true });
    azurite = await startAzurite();
    for (const c of ['uploads', 'styled']) await azurite.service.createContainer(c);
    await azurite.service.getContainerClient('uploads').getBlockBlobClient('in/clip.mp4').uploadFile(video);
    const r = await runCli(['-n', '2', '--input', video, '--output', local, '--model', model, '--chunk-frames', '10', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => azurite?.stop());

  async function download(container: string, name: string): Promise<string> {
    const path = join(mkdtempSync(join(dir, 'dl-')), 'out.mp4');
    await azurite.service.getContainerClient(container).getBlobClient(name).downloadToFile(path);
    return path;
  }

  it('reads and writes az:// names with the connection string from the environment, as local disk does', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    const r = await runCli(['-n', '2', '--input', 'az://uploads/in/clip.mp4', '--output', 'az://styled/out/clip.mp4', '--model', model, '--chunk-frames', '10', '--work-dir', join(dir, 'work')], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`done: ${azurite.endpoint}/styled/out/clip.mp4`);
    const out = await download('styled', 'out/clip.mp4');
    expect(await readIndices(out, true)).toEqual([...Array(frames).keys()]);
    expect(await frameHashes(out)).toEqual(await frameHashes(local));
  }, 120_000);

  it('takes SAS URLs, and the SAS reaches no command line, log line, summary or job record', async () => {
    const inSas = azurite.sas('uploads', 'r');
    const outSas = azurite.sas('styled', 'racwl');
    const signatures = [inSas, outSas].map((s) => decodeURIComponent(new URLSearchParams(s).get('sig')!));
    const work = join(dir, 'work-sas');
    const started = startCli(['-n', '2', '--input', `${azurite.endpoint}/uploads/in/clip.mp4?${inSas}`, '--output', `${azurite.endpoint}/styled/sas/clip.mp4?${outSas}`, '--model', model, '--chunk-frames', '10', '--work-dir', work, '--keep-work'], {
      cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' },
    });
    // while it runs: every process's command line but the launcher's own (which the user typed)
    const leaks = await argvLeaks(() => signatures, started.done, started.child);
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    expect(leaks).toEqual([]);
    const records = readdirSync(work).map((id) => readFileSync(join(work, id, 'job.json'), 'utf8')).join('\n');
    for (const s of signatures) {
      for (const text of [r.stdout, r.stderr, records]) expect(text.includes(s) || text.includes(encodeURIComponent(s))).toBe(false);
    }
    expect(await frameHashes(await download('styled', 'sas/clip.mp4'))).toEqual(await frameHashes(local));
  }, 120_000);

  it('refuses a blob that does not exist with exit code 3, in one line without the SAS', async () => {
    const sas = azurite.sas('uploads', 'r');
    const r = await runCli(['--input', `${azurite.endpoint}/uploads/nothing.mp4?${sas}`, '--output', join(dir, 'x.mp4'), '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`stylerun: error: ${azurite.endpoint}/uploads/nothing.mp4 does not exist`);
    expect(r.stderr).not.toContain('sig=');
  });

  it('refuses an output container that does not exist with exit code 5, before any rank starts', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    const r = await runCli(['--input', video, '--output', 'az://nowhere/out.mp4', '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir, env });
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`stylerun: error: cannot write ${azurite.endpoint}/nowhere/out.mp4: container nowhere does not exist`);
    expect(r.stderr).not.toMatch(/rank \d/);
  });

  it('refuses an output SAS that may not write with exit code 5 before any rank starts; one refused at the upload is exit 5 too, and a resume finishes it', async () => {
    const readOnly = azurite.sas('styled', 'rl');
    let r = await runCli(['-n', '2', '--input', video, '--output', `${azurite.endpoint}/styled/ro.mp4?${readOnly}`, '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(5);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`stylerun: error: cannot write ${azurite.endpoint}/styled/ro.mp4: its SAS may not write (permissions sp=rl; a blob needs w or c)`);
    expect(r.stderr).not.toMatch(/rank \d/);
    // a SAS signed for another container: its listing is refused as a write-only SAS's is, so only the upload
    // finds out (it was an internal error, exit 1, after the whole job)
    const work = join(dir, 'work-refused');
    const otherContainer = azurite.sas('uploads', 'racwl');
    r = await runCli(['-n', '2', '--input', video, '--output', `${azurite.endpoint}/styled/late.mp4?${otherContainer}`, '--model', model, '--chunk-frames', '10', '--work-dir', work], { cwd: dir });
    expect(r.code, r.stderr).toBe(5);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(new RegExp(`^stylerun: error: cannot write ${azurite.endpoint}/styled/late\\.mp4: 403 \\w+; every frame is styled and kept: finish it with stylerun --resume [0-9a-f]{8} --work-dir \\S+ --output <a location it may write>$`));
    expect(r.stderr).not.toContain('sig=');
    const id = /--resume ([0-9a-f]{8})/.exec(last)![1]!;
    r = await runCli(['--resume', id, '--work-dir', work, '--output', `${azurite.endpoint}/styled/late.mp4?${azurite.sas('styled', 'racwl')}`], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/frames 60, .*attempts 0/);
    expect(await frameHashes(await download('styled', 'late.mp4'))).toEqual(await frameHashes(local));
  }, 180_000);

  it('leaves no output blob behind a job that fails', async () => {
    const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, STYLERUN_FAULT: 'rank=0,after=5,action=exit' };
    const r = await runCli(['-n', '1', '--max-restarts', '0', '--input', video, '--output', 'az://styled/failed/clip.mp4', '--model', model, '--chunk-frames', '10', '--work-dir', join(dir, 'work')], { cwd: dir, env });
    expect(r.code).toBe(7);
    const names: string[] = [];
    for await (const b of azurite.service.getContainerClient('styled').listBlobsFlat({ prefix: 'failed/' })) names.push(b.name);
    expect(names).toEqual([]);
    expect(existsSync(join(dir, 'failed'))).toBe(false);
  });
});
