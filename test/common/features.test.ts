import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { keepsLastFrameInMp4, passthroughTiming } from '../../common/ffmpeg/features.js';

// the npm static build is pinned at ffmpeg 4.1: the oldest stylerun supports
const npmFfmpeg = (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;

describe('ffmpeg feature checks', () => {
  it('falls back to -vsync on an ffmpeg that has no -fps_mode (4.1)', () => {
    expect(passthroughTiming(npmFfmpeg)).toEqual(['-vsync', 'passthrough']);
  });

  it('finds that ffmpeg 4.1 hides the last of irregularly spaced frames in an MP4', () => {
    expect(keepsLastFrameInMp4(npmFfmpeg)).toBe(false);
  });
});
