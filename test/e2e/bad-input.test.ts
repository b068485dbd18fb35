import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { twoInputModel } from '../../scripts/onnx/test-models.js';
import { makeIndexedVideo } from '../support/media.js';
import { ranksOf, startCli, type CliResult } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-bad-'));
const outDir = join(dir, 'out');
const output = join(outDir, 'styled.mp4');
const video = join(dir, 'ok.mp4');
const asRoot = process.getuid?.() === 0;
const readOnly = join(dir, 'read-only'); // a read-only tmpfs (mounting needs root)

beforeAll(async () => {
  mkdirSync(outDir);
  mkdirSync(readOnly);
  if (asRoot) execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=16k', 'tmpfs', readOnly]);
  await makeIndexedVideo(video, 6);
  writeFileSync(join(dir, 'notes.txt'), 'this is not a video\n');
  writeFileSync(join(dir, 'zero.y4m'), 'YUV4MPEG2 W64 H64 F25:1 Ip A1:1 C420jpeg\n');
  writeFileSync(join(dir, 'garbage.onnx'), 'not a model at all');
  writeFileSync(join(dir, 'two-inputs.onnx'), twoInputModel());
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', join(dir, 'audio.m4a')]);
});

afterAll(() => {
  if (asRoot) execFileSync('umount', [readOnly]);
});

// the light bundled style unless a test names a model: these checks must not wait for the default (matta) to load
const lightModel = ['--model', 'painterly-starry'];

/** A finished run, with the launcher's pid. */
type Run = CliResult & { pid: number };

/** Runs stylerun to completion. */
async function launched(args: string[], options: Parameters<typeof startCli>[1]): Promise<Run> {
  const started = startCli(args, options);
  return { ...(await started.done), pid: started.child.pid! };
}

/** Runs stylerun (an output to outDir and the light model unless the arguments name them, and `env` added). */
function stylerun(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const withOutput = args.includes('--output') ? args : [...args, '--output', output];
  return launched(withOutput.includes('--model') ? withOutput : [...withOutput, ...lightModel], { cwd: dir, env });
}

async function expectCleanFailure(r: Run, code: number, message: RegExp): Promise<void> {
  // no rank process left, those started ahead of the job included (launcher/spawn/local.ts)
  for (let i = 0; i < 20 && ranksOf(r.pid).length > 0; i++) await new Promise((res) => setTimeout(res, 100));
  expect(ranksOf(r.pid)).toEqual([]);
  expect(r.code).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines[lines.length - 1]).toMatch(message);
  expect(lines[lines.length - 1]).toMatch(/^stylerun: error: /);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  expect(readdirSync(outDir)).toEqual([]); // nothing at --output, no partial file
}

describe('bad input gets one clear line, a documented exit code and no output', () => {
  it('refuses a missing input with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', join(dir, 'missing.mp4')]), 3, /missing\.mp4 does not exist/);
  });

  it('refuses a folder given as input with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', outDir]), 3, /is not a file/);
  });

  it('refuses an unreadable input with exit code 3', async () => {
    const locked = join(dir, 'locked.mp4');
    writeFileSync(locked, 'x');
    chmodSync(locked, 0);
    // root reads anything: run as "nobody" there, so the permission really bites
    if (asRoot) {
      chmodSync(dir, 0o755);
      chmodSync(outDir, 0o777);
    }
    const r = await launched(['-n', '1', '--input', locked, '--output', output, ...lightModel], { cwd: outDir, uid: asRoot ? 65534 : undefined });
    await expectCleanFailure(r, 3, /locked\.mp4 cannot be read \(EACCES\)/);
  });

  it('refuses a file that is not a video with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', join(dir, 'notes.txt')]), 3, /not a video/);
  });

  it('refuses a still picture, a GIF of one frame among them, with exit code 3', async () => {
    const still = join(dir, 'still.gif');
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=64x48', '-frames:v', '1', still]);
    await expectCleanFailure(await stylerun(['-n', '1', '--input', still]), 3, /still\.gif is a still image \(gif\), not a video/);
  });

  it('refuses a file with no video stream with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', join(dir, 'audio.m4a')]), 3, /has no video stream/);
  });

  it('refuses a video stream with zero frames with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', join(dir, 'zero.y4m')]), 3, /no frames/);
  });

  it('refuses -n 0 with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '0', '--input', video]), 2, /-n must be a positive integer/);
  });

  it('refuses a heartbeat timeout no longer than the heartbeat interval with exit code 2', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--heartbeat-interval', '5', '--heartbeat-timeout', '1']);
    await expectCleanFailure(r, 2, /--heartbeat-timeout \(1 s\) must be greater than --heartbeat-interval \(5 s\)$/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--heartbeat-interval', '10']), 2, /--heartbeat-timeout \(10 s\) must be greater/);
  });

  it('refuses more ranks than frames with exit code 3', async () => {
    await expectCleanFailure(await stylerun(['-n', '7', '--input', video]), 3, /-n 7 is more than the 6 frames/);
  });

  it('refuses far more ranks than frames with exit code 3, without starting them all ahead of the check', async () => {
    // ranks start ahead of the probe (launcher/spawn/local.ts), at most one per core: -n 1e3 forked 1000 and hung
    await expectCleanFailure(await stylerun(['-n', '300', '--input', video]), 3, /-n 300 is more than the 6 frames/);
  });

  it('refuses an -n too large to be a whole number with exit code 2 (it was an internal error)', async () => {
    await expectCleanFailure(await stylerun(['-n', '99999999999999999999', '--input', video]), 2, /-n must be a positive integer/);
  });

  it('refuses an output in a folder that does not exist with exit code 5', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--output', join(dir, 'no-such-dir', 'out.mp4')]);
    await expectCleanFailure(r, 5, /folder .*no-such-dir does not exist/);
  });

  it('refuses an output in a folder it may not write with exit code 5', async () => {
    const locked = join(dir, 'locked-out');
    mkdirSync(locked, { mode: 0o555 });
    // root writes anywhere: run as "nobody" there, so the permission really bites
    if (asRoot) chmodSync(dir, 0o755);
    const r = await launched(['-n', '1', '--input', video, '--output', join(locked, 'out.mp4'), ...lightModel], { cwd: locked, uid: asRoot ? 65534 : undefined });
    expect(r.code).toBe(5);
    expect(r.stderr.trim()).toMatch(/^stylerun: error: cannot write .*locked-out\/out\.mp4: folder .*locked-out is not writable$/);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('refuses a --work-dir that is a regular file with exit code 5, before any rank starts', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--work-dir', join(dir, 'notes.txt')]);
    await expectCleanFailure(r, 5, /cannot write job folders under .*notes\.txt: it is not a folder; choose another --work-dir$/);
    expect(r.stderr).not.toMatch(/attempt 1/);
  });

  it('refuses a --keep-frames that is a regular file with exit code 5, before any rank starts (it was an internal error after styling)', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--keep-frames', join(dir, 'notes.txt')]);
    await expectCleanFailure(r, 5, /cannot write frames into .*notes\.txt: it is not a folder; choose another --keep-frames$/);
    expect(r.stderr).not.toMatch(/attempt 1/);
  });

  it.skipIf(!asRoot)('refuses a --work-dir on a read-only mount with exit code 5, leaving no work folder', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--work-dir', join(readOnly, 'jobs')]);
    await expectCleanFailure(r, 5, /cannot write job folders under .*read-only\/jobs: folder .*read-only is on a read-only file system; choose another --work-dir$/);
    expect(readdirSync(readOnly)).toEqual([]);
    expect(existsSync(join(dir, '.stylerun'))).toBe(false);
  });

  // root passes /proc's access check, and Node 20's recursive mkdir under /proc loops for ever: these hung
  it.skipIf(!asRoot).each([
    ['--work-dir', /cannot write job folders under \/proc\/stylerun: folder \/proc is on proc, a kernel file system that holds no files; choose another --work-dir$/],
    ['--keep-frames', /cannot write frames into \/proc\/stylerun: folder \/proc is on proc, .*; choose another --keep-frames$/],
    ['--output-dir', /cannot write rank logs into \/proc\/stylerun: folder \/proc is on proc, .*; choose another --output-dir$/],
  ])('refuses %s under /proc with exit code 5 (it hung)', async (flag, message) => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, flag, '/proc/stylerun']), 5, message);
  });

  it.skipIf(!asRoot)('refuses an --output in /proc with exit code 5, before any rank starts', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--output', '/proc/styled.mp4']);
    await expectCleanFailure(r, 5, /cannot write \/proc\/styled\.mp4: folder \/proc is on proc, a kernel file system that holds no files$/);
    expect(r.stderr).not.toMatch(/attempt 1/);
  });

  it.each([
    // yargs read an empty number as 0, which --max-restarts takes
    [['--max-restarts', ''], '--max-restarts', 'a number'],
    [['--timeout='], '--timeout', 'a number'],
    [['-n', ' '], '-n', 'a number'],
    // an empty string was the flag left out: `--resume "$JOB"` with JOB unset ran a whole new job over the output
    [['--resume', ''], '--resume', 'a value'],
    [['--output-dir', ''], '--output-dir', 'a value'],
  ])('refuses an empty value %j with exit code 2', async (args, flag, what) => {
    const r = await stylerun(['--input', video, ...args]);
    await expectCleanFailure(r, 2, new RegExp(`error: ${flag} was given an empty value \\(a variable not set\\?\\): give ${what}, or leave the flag out$`));
  });

  it('refuses an output that is the input through a link with exit code 2, leaving the input as it was (its rename replaced the input)', async () => {
    const original = join(dir, 'original.mp4');
    const link = join(dir, 'link-to-original.mp4');
    copyFileSync(video, original);
    symlinkSync(original, link);
    const before = readFileSync(original);
    for (const [input, out] of [[link, original], [original, link]]) {
      const r = await stylerun(['-n', '1', '--input', input, '--output', out]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^stylerun: error: --output must not be the input file \(.* are one file, through a link\)$/);
    }
    expect(readFileSync(original).equals(before)).toBe(true);
  });

  it('refuses an output container it cannot write with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--output', join(outDir, 'out.gif')]), 2, /--output must end in/);
  });

  it('refuses a model file that is not ONNX with exit code 4', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--model', join(dir, 'garbage.onnx')]), 4, /is not an ONNX model/);
  });

  it('refuses a model that breaks the contract with exit code 4, before any rank starts', async () => {
    const r = await stylerun(['-n', '1', '--input', video, '--model', join(dir, 'two-inputs.onnx')]);
    await expectCleanFailure(r, 4, /has 2 inputs/);
    expect(r.stderr).not.toMatch(/attempt 1/);
  });

  it('refuses an unknown bundled model name with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--model', 'no-such-style']), 2, /unknown model "no-such-style"/);
  });

  it('refuses --device cuda where the CUDA provider is not installed with exit code 2, before any rank starts', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--model', 'painterly-starry', '--device', 'cuda']), 2, /CUDA provider is not installed; either run .*cuda12.* or copy libonnxruntime_providers_cuda\.so/);
  });

  it('refuses a --precision it does not know with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--precision', 'fp64']), 2, /--precision must be one of fp32, fp16, got fp64/);
  });

  it('refuses a --gpus list that is not indices with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--model', 'painterly-starry', '--gpus', 'first']), 2, /--gpus: a GPU list is indices separated by commas/);
  });

  it('refuses a hostfile with too few slots with exit code 2', async () => {
    writeFileSync(join(dir, 'small.txt'), 'localhost slots=1\n');
    await expectCleanFailure(await stylerun(['-n', '2', '--hostfile', join(dir, 'small.txt'), '--input', video]), 2, /only 1 slot/);
  });

  it('refuses --resume of a job that does not exist with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['--resume', 'deadbeef', '--work-dir', join(dir, 'no-jobs')]), 2, /no job deadbeef to resume/);
  });

  it('refuses an unknown flag with exit code 2', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '--frobnicate']), 2, /Unknown argument/);
  });

  it('prints no SAS signature from a value that did not parse as a Blob URL (a typo, another scheme, a --resume id)', async () => {
    const secret = 'S3cr3tSig0fTheSas';
    const typo = await stylerun(['-n', '1', '--input', `https:/acct.blob.core.windows.net/c/x.mp4?sv=2024-01-01&sp=r&sig=${secret}`]);
    await expectCleanFailure(typo, 3, /sig=REDACTED/);
    const resume = await stylerun(['--resume', `abc?sv=1&sig=${secret}`, '--work-dir', join(dir, 'no-jobs')]);
    await expectCleanFailure(resume, 2, /sig=REDACTED/);
    expect(typo.stderr + typo.stdout + resume.stderr + resume.stdout).not.toContain(secret);
  });

  it('refuses demo -n 0 with exit code 2 before writing its sample clip, and a word for -n without quoting NaN', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'stylerun-demo-'));
    const zero = await launched(['demo', '-n', '0'], { cwd });
    expect([zero.code, zero.stderr.trim()]).toEqual([2, 'stylerun: error: -n must be a positive integer, got 0']);
    expect(readdirSync(cwd)).toEqual([]); // no demo-input.mp4
    const word = await launched(['demo', '-n', 'abc'], { cwd });
    expect([word.code, word.stderr.trim()]).toEqual([2, 'stylerun: error: -n must be a positive integer (the value given is not a number)']);
  });

  it('refuses a flag given twice with exit code 2 (two inputs made an internal error)', async () => {
    await expectCleanFailure(await stylerun(['-n', '1', '--input', video, '-i', video]), 2, /--input was given 2 times \(.*\): give it once$/);
  });

  it('refuses a STYLERUN_FFMPEG or STYLERUN_FFPROBE that names no executable with exit code 2, before any rank starts', async () => {
    for (const variable of ['STYLERUN_FFMPEG', 'STYLERUN_FFPROBE']) {
      const missing = join(dir, `no-${variable.toLowerCase()}`);
      const r = await stylerun(['-n', '1', '--input', video], { [variable]: missing });
      await expectCleanFailure(r, 2, new RegExp(`${variable}=${missing}: not an executable file$`));
      expect(r.stderr).not.toMatch(/rank 0|attempt 1/);
    }
  });
});
