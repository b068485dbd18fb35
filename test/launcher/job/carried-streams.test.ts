import { describe, expect, it } from 'vitest';
import { carriedStreams } from '../../../launcher/job/carried-streams.js';

describe('the source tracks an output carries', () => {
  it('maps every audio track, copied where the container takes its codec and AAC where not', () => {
    expect(carriedStreams('/o/x.mp4', ['aac', 'pcm_s16le'], []).args).toEqual([
      '-map', '1:a:0', '-c:a:0', 'copy', '-map', '1:a:1', '-c:a:1', 'aac', '-b:a:1', '192k', '-map_metadata', '1',
    ]);
    expect(carriedStreams('/o/x.MKV', ['aac', 'pcm_s16le'], []).args).toEqual(['-map', '1:a:0', '-c:a:0', 'copy', '-map', '1:a:1', '-c:a:1', 'copy', '-map_metadata', '1']);
  });

  it('carries text subtitles into MP4 as mov_text and leaves out picture ones, naming them', () => {
    const carried = carriedStreams('/o/x.mp4', [], ['subrip', 'hdmv_pgs_subtitle', 'mov_text', 'ass']);
    expect(carried.args).toEqual(['-map', '1:s:0', '-c:s:0', 'mov_text', '-map', '1:s:2', '-c:s:1', 'copy', '-map', '1:s:3', '-c:s:2', 'mov_text', '-map_metadata', '1']);
    expect(carried.leftOut).toEqual(['subtitle track 2 (hdmv_pgs_subtitle)']);
  });

  it('copies the subtitles Matroska holds and turns MP4\'s mov_text and WebVTT into SubRip', () => {
    const carried = carriedStreams('/o/x.mkv', [], ['mov_text', 'hdmv_pgs_subtitle', 'webvtt', 'ass', 'eia_608']);
    expect(carried.args).toEqual([
      '-map', '1:s:0', '-c:s:0', 'srt', '-map', '1:s:1', '-c:s:1', 'copy', '-map', '1:s:2', '-c:s:2', 'srt', '-map', '1:s:3', '-c:s:3', 'copy', '-map_metadata', '1',
    ]);
    expect(carried.leftOut).toEqual(['subtitle track 5 (eia_608)']);
  });

  it('keeps the file\'s own metadata even without audio or subtitles', () => {
    expect(carriedStreams('/o/x.mov', [], [])).toEqual({ args: ['-map_metadata', '1'], leftOut: [] });
  });
});
