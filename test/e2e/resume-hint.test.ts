import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { readIndices, makeIndexedVideo } from '../support/media.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-hint-'));
const input = join(dir, 'in.mp4');
const output = join(dir, 'out.mp4');
const model = join(dir, 'invert.onnx');

beforeAll(async () => {
  writeFileSync(model, invertModel());
  await makeIndexedVideo(input, 24);
});

describe('the resume hint of a job that gave up', () => {
  it('is a command that finishes the job when run as printed, from another folder', async () => {
    const args = ['-n', '1', '--input', input, '--output', output, '--model', model, '--device', 'cpu', '--chunk-frames', '4', '--max-restarts', '0', '--work-dir', join(dir, 'work')];
    const failed = await runCli(args, { cwd: dir, env: { STYLERUN_FAULT: 'rank=0,after=10,action=exit' } });
    expect(failed.code, failed.stderr).toBe(7);
    const hint = /finish it with stylerun (--resume .*)$/.exec(failed.stderr.trim().split('\n').pop()!);
    expect(hint?.[1]).toMatch(/^--resume [0-9a-f]{8} --work-dir \S+$/);

    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const resumed = await runCli(hint![1].split(' '), { cwd: elsewhere });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(existsSync(join(elsewhere, '.stylerun'))).toBe(false);
  });
});
