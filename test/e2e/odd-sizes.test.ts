import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { streamFacts } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-sizes-'));
const model = join(dir, 'invert.onnx');
writeFileSync(model, invertModel());

async function pixFmt(path: string): Promise<string> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=pix_fmt', '-of', 'csv=p=0', path]);
  return stdout.trim();
}

describe('odd sizes keep their size', () => {
  it.each([
    ['321x241', 'yuv444p', 'yuv444p'],
    ['320x241', 'yuv422p', 'yuv422p'], // 4:2:2 halves only the width: it holds an odd height
    ['321x240', 'yuv420p', 'yuv444p'],
    ['320x240', 'yuv444p', 'yuv420p'], // even sizes get 4:2:0, what every player takes
  ])('%s %s comes out the same size, as %s', async (size, sourceFmt, expected) => {
    const input = join(dir, `in-${size}-${sourceFmt}.mkv`);
    // x264 cannot encode an odd-sized 4:2:0 or 4:2:2 source, so such sources are lossless FFV1
    await runTool(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=25`, '-frames:v', '12', '-pix_fmt', sourceFmt, '-c:v', 'ffv1', input]);
    const output = join(dir, `out-${size}-${sourceFmt}.mp4`);
    const r = await runCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const facts = await streamFacts(output);
    expect(`${facts.width}x${facts.height}`).toBe(size);
    expect(facts.frames).toBe(12);
    expect(await pixFmt(output)).toBe(expected);
    const profile = expected === 'yuv422p' ? 'High 4:2:2' : 'High 4:4:4';
    if (expected !== 'yuv420p') expect(r.stderr).toContain(`output ${expected} (H.264 ${profile}): ${size} has an odd side`);
  });
});
