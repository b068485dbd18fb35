import { describe, expect, it } from 'vitest';
import { sourceWarnings } from '../../../launcher/job/source-warnings.js';

describe('the warnings a job starts with', () => {
  it('are none for a progressive 8-bit source whose tracks all fit', () => {
    expect(sourceWarnings({ pixFmt: 'yuv420p', audio: { codec: 'aac', durationSeconds: 1 }, subtitleTracks: ['subrip'] }, 'in.mkv', 'out.mp4')).toEqual([]);
  });

  it('name the subtitle tracks an MP4 cannot hold, and the container that can', () => {
    expect(sourceWarnings({ pixFmt: 'yuv420p', subtitleTracks: ['subrip', 'hdmv_pgs_subtitle', 'dvd_subtitle'] }, 'in.mkv', 'out.mp4')).toEqual([
      'subtitle track 2 (hdmv_pgs_subtitle), subtitle track 3 (dvd_subtitle) of in.mkv cannot go into .mp4: left out (an .mkv output keeps it)',
    ]);
  });

  it('give interlacing and bit depth a line each', () => {
    const lines = sourceWarnings({ pixFmt: 'yuv422p10le', interlaced: 'bottom' }, 'in.mov', 'out.mov');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^in\.mov is interlaced \(bottom field first\)/);
    expect(lines[1]).toMatch(/^in\.mov has more than 8 bits a sample \(yuv422p10le\)/);
  });
});
