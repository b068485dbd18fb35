import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel, twoInputModel } from '../../scripts/onnx/test-models.js';
import { outputName, uploadJobId } from '../../launcher/watch/watch.js';
import { runCli, startCli, type CliResult } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

// `stylerun watch` given what it cannot work with: refused at its start with one line and the exit code the same
// option gets from `stylerun`, rather than every upload failing, parked after --max-failures, and the watcher
// ending with 0. Found by an audit of the watcher's inputs; each case failed before its change.
const dir = mkdtempSync(join(tmpdir(), 'stylerun-watch-inputs-'));
const model = join(dir, 'invert.onnx');
const uploads = join(dir, 'uploads');

beforeAll(async () => {
  writeFileSync(model, invertModel());
  writeFileSync(join(dir, 'two-inputs.onnx'), twoInputModel());
  writeFileSync(join(dir, 'a-file'), 'not a folder\n');
  mkdirSync(uploads);
  await makeIndexedVideo(join(uploads, 'clip.mp4'), 6);
  await new Promise((r) => setTimeout(r, 2100)); // files are taken once they have settled
}, 60_000);

function watch(args: string[], source = uploads, env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(['watch', source, '--once', '--device', 'cpu', ...(args.includes('-n') ? [] : ['-n', '1']), ...args], { cwd: dir, env });
}

function refused(r: CliResult, code: number, message: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines.at(-1)).toMatch(/^stylerun: error: /);
  expect(lines.at(-1)).toMatch(message);
  expect(existsSync(join(uploads, 'clip.mp4'))).toBe(true); // nothing parked
}

/** A watcher's folders of its own, less those `args` give. */
const base = (name: string, args: string[]) =>
  (['--styled', '--ops', '--work-dir'] as const).filter((f) => !args.includes(f)).flatMap((f) => [f, join(dir, `${f.slice(2)}-${name}`)]);

describe('watch refuses at its start', () => {
  it.each([
    ['-n 0', ['-n', '0', '--model', model], 2, /-n must be a positive integer, got 0/],
    ['an unknown model', ['--model', 'no-such-style'], 2, /unknown model "no-such-style"/],
    ['a model that breaks the contract', ['--model', join(dir, 'two-inputs.onnx')], 4, /has 2 inputs/],
    ['a file as --work-dir', ['--model', model, '--work-dir', join(dir, 'a-file')], 5, /cannot write job folders under .*a-file: it is not a folder/],
    ['a file as --styled', ['--model', model, '--styled', join(dir, 'a-file')], 5, /watch --styled: cannot write into .*a-file: it is not a folder/],
    ['SOURCE as --styled', ['--model', model, '--styled', uploads], 2, /--styled must not be SOURCE itself/],
    ['SOURCE as --ops', ['--model', model, '--ops', uploads], 2, /--ops must not be SOURCE itself/],
    ['an --interval no timer holds', ['--model', model, '--interval', '3000000'], 2, /--interval must be at most 2147483 s/],
    ['--output, a single job\'s flag', ['--model', model, '-o', join(dir, 'x.mp4')], 2, /watch takes its uploads from SOURCE and writes to --styled: --input and --output are for a single job/],
    ['--resume, a single job\'s flag', ['--model', model, '--resume', '1a2b3c4d'], 2, /--resume is for a single job/],
    ['a fraction of an upload a look', ['--model', model, '--max-queued', '0.5'], 2, /--max-queued must be a whole number above 0, got 0\.5/],
  ])('%s', async (name, args, code, message) => {
    refused(await watch([...base(name.replace(/\W+/g, '-'), args), ...args]), code, message);
  });

  it('a SOURCE that is a file, with exit code 2 (it was an internal error)', async () => {
    refused(await watch([...base('file-source', []), '--model', model], join(dir, 'a-file')), 2, /watch SOURCE: .*a-file is not a directory/);
  });
});

describe('watch', () => {
  it('names a styled video after its whole upload name where the extension is no output container', () => {
    expect(outputName('in/clip.avi', '')).toBe('in/clip.avi.mp4'); // clip.avi and clip.mp4 both made clip.mp4
    expect(outputName('in/clip.mp4', 'in/')).toBe('clip.mp4');
    expect(outputName('clip.MOV', '')).toBe('clip.MOV');
  });

  it('gives an upload replaced under the same name a job of its own (a resume mixed the old chunks with the new video)', () => {
    const opts = { input: 'uploads/clip.mp4', output: 'styled/clip.mp4', modelPath: 'm.onnx', chunkCodec: 'h264' as const };
    const first = uploadJobId(opts, { bytes: 1000, modifiedMs: 1 });
    expect(uploadJobId(opts, { bytes: 1000, modifiedMs: 1 })).toBe(first); // taken over from a killed watcher: resumed
    expect(uploadJobId(opts, { bytes: 1000, modifiedMs: 2 })).not.toBe(first);
    expect(uploadJobId(opts, { bytes: 1001, modifiedMs: 1 })).not.toBe(first);
  });

  it('given SOURCE through a symlink, does not take its own outputs under SOURCE as uploads', async () => {
    const real = join(dir, 'real-uploads');
    mkdirSync(real);
    await makeIndexedVideo(join(real, 'clip.mp4'), 6);
    await new Promise((r) => setTimeout(r, 2100));
    const link = join(dir, 'linked-uploads');
    symlinkSync(real, link);
    const args = ['--styled', join(real, 'styled'), '--work-dir', join(dir, 'work-link'), '--model', model];
    for (let look = 0; look < 2; look++) {
      const r = await watch(args, link);
      expect(r.code, r.stderr).toBe(0);
      await new Promise((res) => setTimeout(res, 2100)); // the styled video has settled: a second look would see it
    }
    expect(readdirSync(join(real, 'styled'))).toEqual(['clip.mp4']); // no styled/styled/clip.mp4
  }, 60_000);

  it('stopped between jobs exits 130, with no listener piled up by its looks', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const { child, done } = startCli(['watch', empty, '--styled', join(dir, 'styled-empty'), '--interval', '0.02', '--device', 'cpu', '--model', model, '--work-dir', join(dir, 'work-empty')], { cwd: dir });
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!/watching/.test(stderr)) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1500)); // dozens of looks
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).not.toMatch(/MaxListenersExceededWarning/);
  }, 60_000);

  it('bounds each upload job by --timeout: one that runs past it fails, and is parked at --max-failures', async () => {
    const src = join(dir, 'slow-uploads');
    mkdirSync(src);
    await makeIndexedVideo(join(src, 'slow.mp4'), 6);
    await new Promise((r) => setTimeout(r, 2100));
    const ops = join(dir, 'ops-slow');
    const r = await watch(['--styled', join(dir, 'styled-slow'), '--ops', ops, '--work-dir', join(dir, 'work-slow'), '--model', model, '--timeout', '3', '--max-failures', '1'], src, {
      STYLERUN_FAULT: 'rank=0,after=ready,action=hang', // a job that would never end
    });
    expect(r.code, r.stderr).toBe(0);
    const parked = JSON.parse(readFileSync(join(ops, 'parked', 'slow.mp4.json'), 'utf8')) as { error: string; exitCode: number };
    expect(parked).toMatchObject({ exitCode: 9 });
    expect(parked.error).toMatch(/ran past its --timeout/);
  }, 60_000);
});
