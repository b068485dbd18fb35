import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataDir, runCli } from '../support/cli.js';
import { streamFacts, videoPts } from '../support/media.js';
import { jobFolders, keptAfterSuccess } from '../support/job-folders.js';

describe('styling friday.mp4 with the procedural built-in style painterly-starry over 3 ranks', () => {
  it('keeps frame count, rate, size, timestamps and the audio, and reports the time split', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-friday-'));
    const input = join(dataDir, 'video', 'friday.mp4');
    const output = join(dir, 'styled.mp4');
    const frames = join(dir, 'frames');
    // the light style: the default (matta) would take minutes over 185 frames of 640x480 on a CPU
    const r = await runCli(['-n', '3', '--input', input, '--output', output, '--model', 'painterly-starry', '--keep-frames', frames], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);

    const src = await streamFacts(input);
    const out = await streamFacts(output);
    expect(out.frames).toBe(185);
    expect(out.frames).toBe(src.frames);
    expect([out.width, out.height]).toEqual([640, 480]);
    expect(out.rFrameRate).toBe(src.rFrameRate);
    expect(Math.abs(out.duration - src.duration)).toBeLessThanOrEqual(1 / 30 + 1e-3);
    expect(out.audioCodec).toBe('aac');
    expect(Math.abs(out.audioDuration! - src.audioDuration!)).toBeLessThanOrEqual(1 / 30);
    expect(await videoPts(output)).toEqual(await videoPts(input));

    expect(readdirSync(frames)).toHaveLength(185);
    expect(existsSync(join(frames, 'frame-000000.png'))).toBe(true);
    expect(existsSync(join(frames, 'frame-000184.png'))).toBe(true);

    expect(r.stdout).toMatch(/frames 185, ranks 3/);
    expect(r.stdout).toMatch(/time to barrier \d+\.\d\d s \(last attempt, from its start; the first \d+\.\d\d s from the job's start\)/);
    expect(r.stdout).toMatch(/decode .* inference .* encode/);
    expect(r.stdout).toMatch(/gather/);
    // the job folder keeps only its record and report after success; no temporary output is left beside the output
    expect(jobFolders(join(dir, '.stylerun', 'jobs'))).toEqual([keptAfterSuccess]);
    expect(readdirSync(dir).sort()).toEqual(['.stylerun', 'frames', 'styled.mp4']);
  });
});
