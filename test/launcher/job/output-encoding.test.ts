import { describe, expect, it } from 'vitest';
import { chunkEncoding, defaultChunkFrames, rankFrameFormat } from '../../../launcher/job/output-encoding.js';

describe('the chunk encoding', () => {
  const regular = { width: 720, height: 720, pixFmt: 'yuv420p', pts: [0, 1, 2, 3] };

  it('gives H.264 chunks the output’s settings, with B-frames only where frames are evenly spaced', () => {
    const untagged = { color_space: '', color_primaries: '', color_trc: '', color_range: '', yuv_matrix: 'bt601', sample_aspect_ratio: '' };
    expect(chunkEncoding('h264', regular)).toEqual({ codec: 'h264', crf: 18, preset: 'veryfast', pix_fmt: 'yuv420p', max_b_frames: 3, ...untagged });
    expect(chunkEncoding('h264', { ...regular, pts: [0, 40, 105, 145] }).max_b_frames).toBe(0);
  });

  it('keeps the source\'s colour tags and converts with its matrix, limited range', () => {
    expect(chunkEncoding('h264', { ...regular, colour: { space: 'bt709', primaries: 'bt709', transfer: 'bt709', range: 'tv' } }))
      .toMatchObject({ color_space: 'bt709', color_primaries: 'bt709', color_trc: 'bt709', color_range: 'tv', yuv_matrix: 'bt709' });
    expect(chunkEncoding('h264', { ...regular, colour: { space: 'smpte170m', range: 'pc' } }))
      .toMatchObject({ color_space: 'smpte170m', color_primaries: '', color_range: 'tv', yuv_matrix: 'bt601' });
    expect(chunkEncoding('h264', { ...regular, colour: { space: 'bt2020nc' } })).toMatchObject({ color_range: '', yuv_matrix: 'bt2020' });
  });

  it('keeps the pixel shape of a source whose pixels are not square', () => {
    expect(chunkEncoding('h264', { ...regular, sampleAspect: { num: 32, den: 27 } }).sample_aspect_ratio).toBe('32:27');
  });

  it('gives an odd-sized source’s H.264 chunks the output’s 4:4:4', () => {
    expect(chunkEncoding('h264', { ...regular, width: 321 }).pix_fmt).toBe('yuv444p');
  });

  it('leaves FFV1 chunks without output settings (the gather encodes)', () => {
    expect(chunkEncoding('ffv1', regular)).toEqual({ codec: 'ffv1' });
  });

  const frames = (n: number) => Array.from({ length: n }, (_, i) => i);
  const fps30 = { num: 30, den: 1 };

  it('makes H.264 chunks about 2 s long and FFV1 chunks about 32 frames, a whole number of them per rank', () => {
    // 823 frames at 30 fps over 4 ranks: 3 chunks of 69 frames each (the last rank's last one shorter)
    expect(defaultChunkFrames('h264', { avgFrameRate: fps30, pts: frames(823) }, 4)).toBe(69);
    expect(defaultChunkFrames('h264', { avgFrameRate: { num: 25, den: 1 }, pts: frames(1000) }, 1)).toBe(50);
    expect(defaultChunkFrames('h264', { avgFrameRate: { num: 0, den: 0 }, pts: frames(1000) }, 1)).toBe(50);
    expect(defaultChunkFrames('ffv1', { avgFrameRate: fps30, pts: frames(640) }, 2)).toBe(32);
  });

  it('gives every rank a chunk of a video shorter than one chunk per rank', () => {
    expect(defaultChunkFrames('h264', { avgFrameRate: fps30, pts: frames(9) }, 4)).toBe(2);
    expect(defaultChunkFrames('h264', { avgFrameRate: fps30, pts: frames(90) }, 2)).toBe(45);
    // 185 frames over 3 ranks: 62, 62 and 61, not three of 61 and a 2-frame remainder
    expect(defaultChunkFrames('h264', { avgFrameRate: fps30, pts: frames(185) }, 3)).toBe(62);
    expect(defaultChunkFrames('h264', { avgFrameRate: fps30, pts: frames(10) }, 4)).toBe(3);
  });
});

describe('the frames ranks exchange with ffmpeg', () => {
  it('are yuv420p for 4:2:0 H.264 chunks, rgb24 for lossless FFV1, for 4:2:2 or 4:4:4 outputs and for full-range sources', () => {
    const pts = [0, 1, 2];
    const format = (codec: 'h264' | 'ffv1', info: Parameters<typeof chunkEncoding>[1]) => rankFrameFormat(chunkEncoding(codec, info), info);
    expect(format('h264', { width: 720, height: 720, pixFmt: 'yuv420p', pts })).toBe('yuv420p');
    expect(format('h264', { width: 720, height: 720, pixFmt: 'yuv420p', pts, colour: { space: 'bt709', range: 'tv' } })).toBe('yuv420p');
    expect(format('ffv1', { width: 720, height: 720, pixFmt: 'yuv420p', pts })).toBe('rgb24');
    expect(format('h264', { width: 321, height: 240, pixFmt: 'yuv420p', pts })).toBe('rgb24');
    expect(format('h264', { width: 320, height: 241, pixFmt: 'yuv422p', pts })).toBe('rgb24');
    expect(format('h264', { width: 720, height: 720, pixFmt: 'yuvj420p', pts })).toBe('rgb24');
    expect(format('h264', { width: 720, height: 720, pixFmt: 'yuv420p', pts, colour: { range: 'pc' } })).toBe('rgb24');
  });
});
