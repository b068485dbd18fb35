// A job's committed chunks belong to the input, model and chunk encoding it began with. A resume over another
// video at the same path (a re-upload, a pipeline's next input), another model file or chunks of another
// stylerun must not mix them into one output.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { affineModel, invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, type CliResult } from '../support/cli.js';
import { frameHashes, makeIndexedVideo, readIndices } from '../support/media.js';

const frames = 60;
const dir = mkdtempSync(join(tmpdir(), 'stylerun-resume-sources-'));
const videoA = join(dir, 'a.mp4'); // frames 0..59
const videoB = join(dir, 'b.mp4'); // another video of the same length and size: frames 1000..1059
const fresh = join(dir, 'fresh.mp4'); // video A styled in one go, to compare with
const invert = join(dir, 'invert-model.onnx');
const indices = (first: number) => Array.from({ length: frames }, (_, k) => first + k);

beforeAll(async () => {
  writeFileSync(invert, invertModel());
  await makeIndexedVideo(videoA, frames);
  await makeIndexedVideo(videoB, frames, { firstIndex: 1000 });
  const r = await runCli(['-n', '2', '--input', videoA, '--output', fresh, '--model', invert, '--chunk-frames', '6', '--work-dir', join(dir, 'fresh-work')], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
}, 120_000);

/** A job over a copy of video A that fails with chunks committed; its folder, input, model and id. */
async function failedJob(name: string): Promise<{ work: string; input: string; model: string; output: string; jobId: string; journal: string }> {
  const work = join(dir, `${name}-work`);
  const input = join(dir, `${name}.mp4`);
  const model = join(dir, `${name}.onnx`);
  const output = join(dir, `${name}-out.mp4`);
  copyFileSync(videoA, input);
  copyFileSync(invert, model);
  const r = await runCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--chunk-frames', '6', '--max-restarts', '0', '--work-dir', work], {
    cwd: dir, env: { STYLERUN_FAULT: 'rank=1,attempt=1,after=20,action=crash' },
  });
  expect(r.code, r.stderr).toBe(7);
  const jobId = readdirSync(work)[0]!;
  const journal = readFileSync(join(work, jobId, 'journal.jsonl'), 'utf8');
  expect(journal.trim().split('\n').length).toBeGreaterThan(1);
  return { work, input, model, output, jobId, journal };
}

function refusedInOneLine(r: CliResult, message: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  const errors = r.stderr.trim().split('\n').filter((l) => l.startsWith('stylerun: error: '));
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatch(message);
}

describe('--resume of a job whose sources changed since it began', () => {
  it('is refused when another video took the input’s place, leaving the job as it was; with the original back it finishes frame-exact', async () => {
    const job = await failedJob('replaced-input');
    copyFileSync(videoB, job.input);
    const refused = await runCli(['--resume', job.jobId, '--work-dir', job.work], { cwd: dir });
    refusedInOneLine(refused, new RegExp(`job ${job.jobId} cannot be resumed: the input .*replaced-input\\.mp4 is not the video the job began with .*, so its \\d+ committed frames would not match the rest; put the original back, or run a new job \\(without --resume\\)`));
    expect(existsSync(job.output)).toBe(false);
    expect(readFileSync(join(job.work, job.jobId, 'journal.jsonl'), 'utf8')).toBe(job.journal);
    expect(JSON.parse(readFileSync(join(job.work, job.jobId, 'job.json'), 'utf8')).state).toBe('failed');

    copyFileSync(videoA, job.input);
    const done = await runCli(['--resume', job.jobId, '--work-dir', job.work], { cwd: dir });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/resuming: \d+ frames already committed/);
    expect(await readIndices(job.output, true)).toEqual(indices(0));
    expect(await frameHashes(job.output)).toEqual(await frameHashes(fresh));
  }, 120_000);

  it('is refused when the model file was replaced', async () => {
    const job = await failedJob('replaced-model');
    writeFileSync(job.model, affineModel(0.5, 0));
    const refused = await runCli(['--resume', job.jobId, '--work-dir', job.work], { cwd: dir });
    refusedInOneLine(refused, /cannot be resumed: the model .*replaced-model\.onnx is not the one the job began with \(its bytes differ\)/);
    expect(readFileSync(join(job.work, job.jobId, 'journal.jsonl'), 'utf8')).toBe(job.journal);
  }, 120_000);

  it('is refused when given another input than the job’s', async () => {
    const job = await failedJob('other-input');
    const refused = await runCli(['--resume', job.jobId, '--work-dir', job.work, '--input', videoB], { cwd: dir });
    refusedInOneLine(refused, /cannot be resumed: the input .*b\.mp4 is not the video the job began with/);
  }, 120_000);

  it('styles every frame again when the chunks were encoded otherwise (a job another stylerun began), with a warning', async () => {
    const job = await failedJob('other-encoding');
    const recordPath = join(job.work, job.jobId, 'job.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    record.sources.chunks.crf = 17;
    writeFileSync(recordPath, JSON.stringify(record));
    const done = await runCli(['--resume', job.jobId, '--work-dir', job.work], { cwd: dir });
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/its chunks were encoded otherwise \(crf 17 → 18: another stylerun, or another ffmpeg, began the job\); its \d+ committed frames are dropped and every frame is styled again/);
    expect(done.stdout).toMatch(new RegExp(`attempt 1: succeeded, 2 ranks, ${frames} frames`));
    expect(await frameHashes(job.output)).toEqual(await frameHashes(fresh));
  }, 120_000);
});

describe('the same engine command run again after its input was replaced', () => {
  it('styles the new video whole: the committed chunks of the old one are dropped, with a warning', async () => {
    const input = join(dir, 'engine.mp4');
    const output = join(dir, 'engine-out.mp4');
    copyFileSync(videoA, input);
    const args = ['--input', input, '--output', output, '--model', invert, '--device', 'cpu', '--chunk-frames', '5', '--work-dir', join(dir, 'engine-work')];
    const world = { WORLD_SIZE: '2', LOCAL_WORLD_SIZE: '2' };
    const run = (fault?: string) => Promise.all([0, 1].map((r) => runCli(args, { cwd: dir, env: { ...world, RANK: String(r), LOCAL_RANK: String(r), ...(fault ? { STYLERUN_FAULT: fault } : {}) } })));
    const failed = await run('rank=1,attempt=1,after=20,action=crash');
    expect(failed[0].code, failed[0].stderr).not.toBe(0);
    expect(existsSync(output)).toBe(false);

    copyFileSync(videoB, input);
    const again = await run();
    for (const r of again) expect(r.code, r.stderr).toBe(0);
    expect(again[0].stderr).toMatch(/resuming: the same command ran before/);
    expect(again[0].stderr).toMatch(/the input .*engine\.mp4 is not the video the job began with .*; its \d+ committed frames are dropped and every frame is styled again/);
    expect(await readIndices(output, true)).toEqual(indices(1000));
  }, 120_000);
});
