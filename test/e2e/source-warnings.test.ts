// Sources stylerun styles as they are, but whose output differs from what a video engineer might assume: each gets
// one warning line when the job starts, and the job goes on.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { streamFacts } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-source-warnings-'));
const model = join(dir, 'invert.onnx');
const lavfi = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=25:d=0.4'];

beforeAll(() => writeFileSync(model, invertModel()));

async function styled(name: string, encode: string[]): Promise<{ warnings: string[]; output: string }> {
  const input = join(dir, `${name}.mp4`);
  const output = join(dir, `${name}-out.mp4`);
  await runTool(ffmpegPath(), [...lavfi, ...encode, input]);
  const r = await runCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  return { warnings: r.stderr.split('\n').filter((l) => /\] warn: /.test(l)), output };
}

describe('a source styled with a warning', () => {
  it('10-bit: the output is 8-bit, as models take and give 8-bit frames', async () => {
    const { warnings, output } = await styled('ten-bit', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p10le']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/has more than 8 bits a sample \(yuv420p10le\): models take and give 8-bit frames, so the output is 8-bit/);
    expect((await streamFacts(output)).frames).toBe(10);
  }, 60_000);

  it('interlaced: each frame is styled with both fields, and the line says how to deinterlace first', async () => {
    const { warnings } = await styled('interlaced', ['-vf', 'tinterlace=4', '-flags', '+ildct+ilme', '-c:v', 'libx264', '-x264-params', 'tff=1', '-pix_fmt', 'yuv420p']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/is interlaced \(top field first\): each frame is styled with both its fields and the output is progressive; .*bwdif/);
  }, 60_000);

  it('progressive 8-bit: no warning', async () => {
    expect((await styled('plain', ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'])).warnings).toEqual([]);
  }, 60_000);
});
