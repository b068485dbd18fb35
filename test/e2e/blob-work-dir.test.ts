import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli } from '../support/cli.js';
import { startAzurite, type Azurite } from '../../scripts/azurite/azurite.js';
import type { JobRecord } from '../../launcher/job-store/job-record.js';
import { frameHashes, makeIndexedVideo, readIndices } from '../support/media.js';
import { argvLeaks } from '../support/argv-scan.js';

// --work-dir in Blob storage: the job's record, journal and chunks live under its prefix, and ranks upload
// their chunks there themselves with a SAS per chunk that the launcher makes. A real Azurite, no SDK mocks.
describe('--work-dir in Blob storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-blob-work-'));
  const model = join(dir, 'invert.onnx');
  const video = join(dir, 'indexed.mp4');
  const frames = 60;
  const local = join(dir, 'local.mp4'); // the same job with a local --work-dir, to compare with
  let azurite: Azurite;
  let env: Record<string, string>;

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(video, frames, { audio: true });
    azurite = await startAzurite();
    await azurite.service.createContainer('ops');
    env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString };
    const r = await runCli(['-n', '2', '--input', video, '--output', local, '--model', model, '--chunk-frames', '10', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);

  afterAll(() => azurite?.stop());

  async function blobs(prefix: string): Promise<string[]> {
    const names: string[] = [];
    for await (const b of azurite.service.getContainerClient('ops').listBlobsFlat({ prefix })) names.push(b.name);
    return names.sort();
  }

  async function text(name: string): Promise<string> {
    return (await azurite.service.getContainerClient('ops').getBlobClient(name).downloadToBuffer()).toString();
  }

  it('keeps the record, journal and chunks under the job prefix, each chunk uploaded by its rank with a SAS of its own', async () => {
    const out = join(dir, 'kept.mp4');
    const r = await runCli(['-n', '2', '--input', video, '--output', out, '--model', model, '--chunk-frames', '10', '--work-dir', 'az://ops/jobs', '--keep-work'], {
      cwd: dir, env: { ...env, STYLERUN_LOG_LEVEL: 'debug' },
    });
    expect(r.code, r.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
    const chunkNames = Array.from({ length: 6 }, (_, k) => `jobs/${jobId}/chunks/chunk-${String(k * 10).padStart(9, '0')}-10.mp4`);
    expect(await blobs(`jobs/${jobId}/`)).toEqual([...chunkNames, `jobs/${jobId}/job.json`, `jobs/${jobId}/journal.jsonl`, `jobs/${jobId}/report.html`].sort());
    // the journal in Blob storage vouches for every chunk, with the digest of the blob's bytes
    const journal = (await text(`jobs/${jobId}/journal.jsonl`)).trim().split('\n').map((l) => JSON.parse(l) as { key: string; sha256: string });
    expect(journal.map((e) => e.key).sort()).toEqual(chunkNames.map((n) => n.split('/').pop()).sort());
    expect(JSON.parse(await text(`jobs/${jobId}/job.json`)).options.workDir).toBe('az://ops/jobs');
    // one write SAS per chunk was made, and none went through the launcher (PutChunk)
    expect(r.stderr.match(/a write SAS for chunk-\S+ made/g)).toHaveLength(6);
    expect(r.stderr).not.toMatch(/rank \d sent chunk-/);
    expect(r.stderr).not.toContain('sig=');
    expect(await readIndices(out, true)).toEqual([...Array(frames).keys()]);
    expect(await frameHashes(out)).toEqual(await frameHashes(local));
  }, 120_000);

  it('keeps only the record and the report of a job that succeeded, as with a local --work-dir', async () => {
    const out = join(dir, 'clean.mp4');
    const r = await runCli(['-n', '2', '--input', video, '--output', out, '--model', model, '--chunk-frames', '10', '--work-dir', 'az://ops/clean'], { cwd: dir, env });
    expect(r.code, r.stderr).toBe(0);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
    expect(r.stdout).toContain(`record ${azurite.endpoint}/ops/clean/${jobId}/job.json;`);
    expect(await blobs('clean/')).toEqual([`clean/${jobId}/job.json`, `clean/${jobId}/report.html`]);
    expect(JSON.parse(await text(`clean/${jobId}/job.json`))).toMatchObject({ state: 'succeeded', figures: { frames } });
    // another machine (another folder) answers status and writes the report from Blob storage alone
    const elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
    const status = await runCli(['status', jobId, '--work-dir', 'az://ops/clean'], { cwd: elsewhere, env });
    expect(status.stdout).toMatch(new RegExp(`^job ${jobId} succeeded at \\S+: ${out}, ${frames} frames in `));
    const report = join(elsewhere, 'report.html');
    const written = await runCli(['report', jobId, '--work-dir', 'az://ops/clean', '--output', report], { cwd: elsewhere, env });
    expect([written.code, written.stdout.trim()]).toEqual([0, report]);
    expect(readFileSync(report, 'utf8')).toMatch(/<g class="lane" data-attempt="1" data-rank="1">/);
    const none = await runCli(['status', '0badc0de', '--work-dir', 'az://ops/clean'], { cwd: elsewhere, env });
    expect([none.code, none.stderr.trim()]).toEqual([2, 'stylerun: error: no job 0badc0de in az://ops/clean']);
  }, 120_000);

  it('resumes on a machine that never saw the job, from Blob storage alone, restyling no committed chunk', async () => {
    const out = join(dir, 'resumed.mp4');
    const cwd = mkdtempSync(join(dir, 'first-machine-'));
    const failed = await runCli(['-n', '2', '--max-restarts', '0', '--input', video, '--output', out, '--model', model, '--chunk-frames', '10', '--work-dir', 'az://ops/resume'], {
      cwd, env: { ...env, STYLERUN_FAULT: 'rank=1,attempt=1,after=25,action=exit' },
    });
    expect(failed.code).toBe(7);
    const hint = /finish it with (stylerun --resume ([0-9a-f]{8}) --work-dir (\S+))$/.exec(failed.stderr.trim())!;
    expect(hint[3]).toBe('az://ops/resume');
    const jobId = hint[2]!;
    const committed = (await text(`resume/${jobId}/journal.jsonl`)).trim().split('\n').filter(Boolean).length;
    expect(committed).toBeGreaterThanOrEqual(2);
    // the launcher's own disk is gone with its machine: another machine (another folder) resumes
    rmSync(cwd, { recursive: true, force: true });
    const r = await runCli(['--resume', jobId, '--work-dir', 'az://ops/resume'], { cwd: mkdtempSync(join(dir, 'second-machine-')), env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`resuming: ${committed * 10} frames already committed`);
    expect(r.stderr).toContain(`${frames - committed * 10} of ${frames} frames to style`);
    expect(await frameHashes(out)).toEqual(await frameHashes(local));
    expect(await blobs(`resume/${jobId}/`)).toEqual([`resume/${jobId}/job.json`, `resume/${jobId}/report.html`]);
    // the record keeps the first machine's run too, with its failed attempt and root cause
    const record = JSON.parse(await text(`resume/${jobId}/job.json`)) as JobRecord;
    expect(record).toMatchObject({ state: 'succeeded', history: { resumed: true, committedAtStart: committed * 10 } });
    expect(record.earlierRuns!.map((h) => h.attempts.map((a) => [a.state, a.rootCause]))).toEqual([[['failed', expect.stringMatching(/^rank 1 .*exited with code 3/)]]]);
  }, 180_000);

  it('takes a SAS URL (which cannot sign SAS tokens of its own): chunks then come through the launcher, and the SAS is nowhere', async () => {
    const sas = azurite.sas('ops', 'racwdl');
    const signature = decodeURIComponent(new URLSearchParams(sas).get('sig')!);
    const out = join(dir, 'sas.mp4');
    const started = startCli(['-n', '2', '--input', video, '--output', out, '--model', model, '--chunk-frames', '10', '--work-dir', `${azurite.endpoint}/ops/sas?${sas}`, '--keep-work'], {
      cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug' },
    });
    // every process's command line but the one the user typed, while it runs
    const leaks = await argvLeaks(() => [signature], started.done, started.child);
    const r = await started.done;
    expect(r.code, r.stderr).toBe(0);
    expect(leaks).toEqual([]);
    expect(r.stderr).toMatch(/rank \d sent chunk-/);
    const jobId = /job ([0-9a-f]{8}) \(work folder/.exec(r.stderr)![1]!;
    const record = await text(`sas/${jobId}/job.json`);
    expect(JSON.parse(record).options.workDir).toBe(`${azurite.endpoint}/ops/sas`);
    for (const t of [r.stdout, r.stderr, record, await text(`sas/${jobId}/journal.jsonl`)]) {
      expect(t.includes(signature) || t.includes(encodeURIComponent(signature))).toBe(false);
    }
    expect(await frameHashes(out)).toEqual(await frameHashes(local));
  }, 120_000);

  it('refuses a work container that does not exist with exit code 5, in one line, before any rank starts', async () => {
    const r = await runCli(['--input', video, '--output', join(dir, 'none.mp4'), '--model', model, '--work-dir', 'az://nowhere/jobs'], { cwd: dir, env });
    expect(r.code).toBe(5);
    expect(r.stderr.trim().split('\n').at(-1)).toBe(`stylerun: error: cannot keep jobs in ${azurite.endpoint}/nowhere/jobs: container nowhere does not exist; choose another --work-dir`);
    expect(r.stderr).not.toMatch(/rank \d/);
    expect(existsSync(join(dir, 'none.mp4'))).toBe(false);
  });

  it('refuses to resume a job the Blob --work-dir does not hold, with exit code 2', async () => {
    const r = await runCli(['--resume', '0badc0de', '--work-dir', 'az://ops/jobs'], { cwd: dir, env });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(`stylerun: error: no job 0badc0de to resume: ${azurite.endpoint}/ops/jobs/0badc0de/job.json is missing (check --work-dir)`);
  });
});
