import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { askFfmpegEarly, FPS_MODE_KNOWN_VARIABLE, hasFpsMode, keepsLastFrameInMp4, knownFeaturesEnv, knownFromEnv, passthroughTiming } from '../../common/ffmpeg/features.js';
import { rootDir } from '../support/cli.js';

// the npm static build is pinned at ffmpeg 4.1: the oldest stylerun supports
const npmFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A wrapper that counts in `count` how often it is started, then runs the real (4.1) ffmpeg. */
function countingFfmpeg(): { wrapper: string; count: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-features-'));
  const count = join(dir, 'count');
  const wrapper = join(dir, 'ffmpeg');
  writeFileSync(wrapper, `#!/bin/sh\necho x >> ${count}\nexec ${npmFfmpeg} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return { wrapper, count };
}

describe('ffmpeg feature checks', () => {
  it('falls back to -vsync on an ffmpeg that has no -fps_mode (4.1)', () => {
    expect(passthroughTiming(npmFfmpeg)).toEqual(['-vsync', 'passthrough']);
  });

  it('finds that ffmpeg 4.1 hides the last of irregularly spaced frames in an MP4', () => {
    expect(keepsLastFrameInMp4(npmFfmpeg)).toBe(false);
  });

  it('asks once, in the background, and answers later without starting ffmpeg again', async () => {
    const { wrapper, count } = countingFfmpeg();
    await askFfmpegEarly(wrapper);
    expect(hasFpsMode(wrapper)).toBe(false);
    expect(passthroughTiming(wrapper)).toEqual(['-vsync', 'passthrough']);
    await askFfmpegEarly(wrapper);
    expect(readFileSync(count, 'utf8')).toBe('x\n');
  });

  it('hands what it learnt to a child process, which then starts no ffmpeg to ask', async () => {
    const { wrapper, count } = countingFfmpeg();
    await askFfmpegEarly(wrapper);
    const env = knownFeaturesEnv();
    expect(knownFromEnv(env[FPS_MODE_KNOWN_VARIABLE])).toContainEqual([wrapper, false]);
    // the child, as a local rank would, takes the answer from its environment (the compiled module, in a real process)
    const child = spawnSync(process.execPath, ['--input-type=module', '-e',
      `const f = await import(${JSON.stringify(join(rootDir, 'dist/common/ffmpeg/features.js'))}); console.log(JSON.stringify(f.passthroughTiming(${JSON.stringify(wrapper)})));`,
    ], { env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(child.stdout.trim()).toBe('["-vsync","passthrough"]');
    expect(readFileSync(count, 'utf8')).toBe('x\n');
  });

  it('asks once for callers that ask at the same time (a rank about to decode waits for the question under way)', async () => {
    const { wrapper, count } = countingFfmpeg();
    await Promise.all([askFfmpegEarly(wrapper), askFfmpegEarly(wrapper), askFfmpegEarly(wrapper)]);
    expect(hasFpsMode(wrapper)).toBe(false);
    expect(readFileSync(count, 'utf8')).toBe('x\n');
  });

  it('asks again when what a parent handed over is unreadable', () => {
    expect(knownFromEnv('not json')).toEqual([]);
    expect(knownFromEnv('[["/usr/bin/ffmpeg","yes"],["/x/ffmpeg",true]]')).toEqual([['/x/ffmpeg', true]]);
    expect(knownFromEnv(undefined)).toEqual([]);
  });

  it('lets a missing ffmpeg be found out later, where the decoder starts', async () => {
    await expect(askFfmpegEarly('/no/such/ffmpeg')).resolves.toBeUndefined();
  });
});
