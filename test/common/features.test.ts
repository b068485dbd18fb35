import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { askFfmpegEarly, hasFpsMode, keepsLastFrameInMp4, passthroughTiming } from '../../common/ffmpeg/features.js';

// the npm static build is pinned at ffmpeg 4.1: the oldest stylerun supports
const npmFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

describe('ffmpeg feature checks', () => {
  it('falls back to -vsync on an ffmpeg that has no -fps_mode (4.1)', () => {
    expect(passthroughTiming(npmFfmpeg)).toEqual(['-vsync', 'passthrough']);
  });

  it('finds that ffmpeg 4.1 hides the last of irregularly spaced frames in an MP4', () => {
    expect(keepsLastFrameInMp4(npmFfmpeg)).toBe(false);
  });

  it('asks once, in the background, and answers later without starting ffmpeg again', async () => {
    // a wrapper that counts how often it is started, then runs the real (4.1) ffmpeg
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-features-'));
    const count = join(dir, 'count');
    const wrapper = join(dir, 'ffmpeg');
    writeFileSync(wrapper, `#!/bin/sh\necho x >> ${count}\nexec ${npmFfmpeg} "$@"\n`);
    chmodSync(wrapper, 0o755);
    await askFfmpegEarly(wrapper);
    expect(hasFpsMode(wrapper)).toBe(false);
    expect(passthroughTiming(wrapper)).toEqual(['-vsync', 'passthrough']);
    await askFfmpegEarly(wrapper);
    expect(readFileSync(count, 'utf8')).toBe('x\n');
  });

  it('lets a missing ffmpeg be found out later, where the decoder starts', async () => {
    await expect(askFfmpegEarly('/no/such/ffmpeg')).resolves.toBeUndefined();
  });
});
