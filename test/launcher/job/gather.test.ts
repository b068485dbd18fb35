import { describe, expect, it } from 'vitest';
import { chooseChroma, concatList } from '../../../launcher/job/gather.js';
import type { VideoInfo } from '../../../common/ffmpeg/video-info.js';

describe('chooseChroma', () => {
  it('takes 4:2:0 when both sides are even, whatever the source', () => {
    expect(chooseChroma(1920, 1080, 'yuv444p')).toEqual({ pixFmt: 'yuv420p' });
  });

  it('keeps a 4:2:2 source as 4:2:2 when only the height is odd (4:2:2 halves only the width)', () => {
    expect(chooseChroma(320, 241, 'yuv422p').pixFmt).toBe('yuv422p');
    expect(chooseChroma(321, 240, 'yuv422p').pixFmt).toBe('yuv444p');
  });

  it('takes 4:4:4 for an odd side of a 4:2:0 or 4:4:4 source, and says why', () => {
    const c = chooseChroma(321, 241, 'yuv444p');
    expect(c.pixFmt).toBe('yuv444p');
    expect(c.note).toBe('output yuv444p (H.264 High 4:4:4): 321x241 has an odd side, which 4:2:0 cannot hold');
    expect(chooseChroma(321, 240, 'yuv420p').pixFmt).toBe('yuv444p');
  });
});

describe('concatList', () => {
  const info = { pts: [0, 40, 80, 120, 160], timeBase: { num: 1, den: 1000 } } as VideoInfo;

  it('gives every chunk but the last the gap to the next chunk’s first timestamp', () => {
    const list = concatList([{ path: '/w/a.nut', start: 0 }, { path: '/w/b.nut', start: 2 }, { path: "/w/it's.nut", start: 4 }], info);
    expect(list).toBe("ffconcat version 1.0\nfile '/w/a.nut'\nduration 0.080000\nfile '/w/b.nut'\nduration 0.080000\nfile '/w/it'\\''s.nut'\n");
  });
});
