import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { processesMentioning, runCli } from '../support/cli.js';
import { streamFacts } from '../support/media.js';
import { keptAfterSuccess } from '../support/job-folders.js';

// A 160 KB tmpfs as --work-dir holds the first few 8-frame lossless chunks of a 160x120 clip, not all six.
// (H.264 chunks of the clip would all fit; a rank's H.264 encoder on a full disk is test/rank/chunk-writer.test.ts.)
const asRoot = process.getuid?.() === 0;
const dir = mkdtempSync(join(tmpdir(), 'stylerun-nospace-'));
const work = join(dir, 'work');
const input = join(dir, 'in.mp4');
const output = join(dir, 'out.mp4');
const model = join(dir, 'invert.onnx');

beforeAll(async () => {
  if (!asRoot) return;
  mkdirSync(work);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=160k', 'tmpfs', work]);
  writeFileSync(model, invertModel());
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=25', '-frames:v', '48', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', input]);
});

afterAll(() => {
  if (asRoot) execFileSync('umount', [work]);
});

describe.skipIf(!asRoot)('a --work-dir that fills up', () => {
  let resume: string[] = [];

  it('stops at once with exit code 8 and one line, leaving no rejected chunk, no output and no rank', async () => {
    const r = await runCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--device', 'cpu', '--chunk-codec', 'ffv1', '--chunk-frames', '8', '--work-dir', work], { cwd: dir });
    expect(r.code, r.stderr).toBe(8);
    const last = r.stderr.trim().split('\n').pop()!;
    expect(last).toMatch(new RegExp(`^stylerun: error: no space left on device under ${work}: free some space, then finish it with stylerun --resume [0-9a-f]{8} --work-dir ${work}; or choose another --work-dir$`));
    expect(r.stderr).toMatch(/warn: only 0\.\d MB free under .*, and this job's chunks may need about 0\.9 MB/);
    expect(r.stderr).toMatch(/attempt 1 of 4/);
    expect(r.stderr).not.toMatch(/attempt 2 of/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir).filter((n) => n.includes('out'))).toEqual([]);
    expect(processesMentioning(work)).toEqual([]);
    const jobId = /--resume ([0-9a-f]{8})/.exec(last)![1];
    const journaled = readFileSync(join(work, jobId, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { key: string }).key);
    expect(readdirSync(join(work, jobId, 'chunks')).sort()).toEqual(journaled.sort());
    resume = /finish it with stylerun (.*); or choose/.exec(last)![1].split(' ');
  });

  it('finishes with the printed --resume command once there is room', async () => {
    expect(resume).not.toEqual([]);
    execFileSync('mount', ['-o', 'remount,size=4m', work]);
    const r = await runCli(resume, { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect((await streamFacts(output)).frames).toBe(48);
    expect(readdirSync(join(work, resume[1]!)).sort()).toEqual(keptAfterSuccess);
  });
});
