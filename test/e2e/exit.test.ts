import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, type CliResult } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

// When a job is over, the launcher's event loop must be free: the CLI forces an exit 100 ms after its job
// ends and says at debug level what still held the loop. A grace timer left running after the ranks' exits
// held it after every job (so every job took 100 ms longer than it ran); this checks that nothing does.
const dir = mkdtempSync(join(tmpdir(), 'stylerun-exit-'));
const model = join(dir, 'invert.onnx');
const input = join(dir, 'in.mp4');

beforeAll(async () => {
  writeFileSync(model, invertModel());
  await makeIndexedVideo(input, 4);
});

function stylerun(name: string, args: string[], env: Record<string, string> = {}, from = input): Promise<CliResult> {
  const base = ['--input', from, '--output', join(dir, `${name}.mp4`), '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work')];
  return runCli([...base, ...args], { cwd: dir, env: { STYLERUN_LOG_LEVEL: 'debug', STYLERUN_LOG_FORMAT: 'text', ...env } });
}

describe('the launcher, once its job is over', () => {
  it('exits on its own after a job that succeeded', async () => {
    const r = await stylerun('ok', ['-n', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/job gathering -> succeeded/); // debug lines are there to look at
    expect(r.stderr).not.toMatch(/exit forced/);
  });

  it('exits on its own after a job whose ranks failed', async () => {
    const r = await stylerun('failed', ['-n', '1', '--max-restarts', '0'], { STYLERUN_FAULT: 'rank=0,after=1,action=exit' });
    expect(r.code, r.stderr).toBe(7);
    expect(r.stderr).not.toMatch(/exit forced/);
  });

  it('exits on its own after a bad input', async () => {
    const r = await stylerun('bad', ['-n', '1'], {}, join(dir, 'missing.mp4'));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(/exit forced/);
  });

  it('exits on its own after a bad input while ffmpeg is slow to say what it takes, and leaves that ffmpeg behind in no state', async () => {
    // the launcher asks its ffmpeg about -fps_mode in the background as a job starts; this one takes 5 s to answer
    const slow = join(dir, 'slow-ffmpeg');
    const asked = join(dir, 'asked.pid');
    writeFileSync(slow, `#!/bin/sh\ncase "$*" in *nullsrc*) echo $$ > ${asked}; exec sleep 5;; esac\nexec ${ffmpegPath()} "$@"\n`);
    chmodSync(slow, 0o755);
    const r = await stylerun('bad-slow', ['-n', '1'], { STYLERUN_FFMPEG: slow }, join(dir, 'missing.mp4'));
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).not.toMatch(/exit forced/);
    const pid = Number(readFileSync(asked, 'utf8'));
    // killed as the launcher exited, not left to run on (a zombie is gone but for the wait of whoever adopted it)
    const state = () => (existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] : 'gone');
    expect(['gone', 'Z']).toContain(state());
  });
});
