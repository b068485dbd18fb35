import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { colourOfStream, colourOfStreamLine, colourTagArgs, deeperThan8Bits, fullRange, rgbToYuvFilters, swscaleMatrix } from '../../common/ffmpeg/colour.js';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import { probeWithFfmpeg } from '../../common/ffmpeg/probe-with-ffmpeg.js';

describe('a video\'s colour description', () => {
  it('gives the matrix swscale reads it with: BT.601 for untagged and SMPTE 170M video', () => {
    expect([undefined, 'smpte170m', 'bt470bg', 'ycgco'].map(swscaleMatrix)).toEqual(['bt601', 'bt601', 'bt601', 'bt601']);
    expect(['bt709', 'fcc', 'smpte240m', 'bt2020nc', 'bt2020c'].map(swscaleMatrix)).toEqual(['bt709', 'fcc', 'smpte240m', 'bt2020', 'bt2020']);
  });

  it('keeps from ffprobe\'s fields only what ffmpeg can write again', () => {
    expect(colourOfStream({ color_space: 'bt709', color_range: 'tv', color_primaries: 'bt709', color_transfer: 'bt709' }))
      .toEqual({ space: 'bt709', range: 'tv', primaries: 'bt709', transfer: 'bt709' });
    expect(colourOfStream({ color_space: 'unknown', color_range: 'unknown', color_primaries: 'reserved', color_transfer: 'unspecified' })).toBeUndefined();
    expect(colourOfStream({})).toBeUndefined();
  });

  it.each([
    // ffmpeg 5.1's line, then 4.1's
    ['Video: h264 (Main) (avc1 / 0x31637661), yuv420p(tv, smpte170m/bt709/bt709, progressive), 640x480, 30 fps', { range: 'tv', space: 'smpte170m', primaries: 'bt709', transfer: 'bt709' }],
    ['Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 320x180 [SAR 1:1 DAR 16:9], 25 fps', { range: 'tv', space: 'bt709', primaries: 'bt709', transfer: 'bt709' }],
    ['Video: h264 (High 4:4:4 Predictive) (avc1 / 0x31637661), yuvj420p(pc, progressive), 320x180', { range: 'pc' }],
    ['Video: hevc (Main), yuv420p(tv, bt709/unknown/unknown), 1280x720', { range: 'tv', space: 'bt709' }],
    ['Video: h264 (High) (avc1 / 0x31637661), yuv420p(progressive), 320x180', undefined],
    ['Video: mpeg4 (Simple Profile) (mp4v / 0x7634706D), yuv420p, 320x240', undefined],
  ])('reads it from ffmpeg\'s stream line %s', (line, colour) => {
    expect(colourOfStreamLine(`Stream #0:0(und): ${line}`)).toEqual(colour);
  });

  it('calls yuvj formats and "pc" video full range', () => {
    expect(fullRange('yuvj420p', undefined)).toBe(true);
    expect(fullRange('yuv420p', { range: 'pc' })).toBe(true);
    expect(fullRange('yuv420p', { range: 'tv', space: 'bt709' })).toBe(false);
    expect(fullRange(undefined, undefined)).toBe(false);
  });

  it('tags an output as stated and converts RGB with a filter only where the matrix is not BT.601', () => {
    expect(colourTagArgs({})).toEqual([]);
    expect(colourTagArgs({ color_space: 'bt709', color_primaries: 'bt709', color_trc: 'bt709', color_range: 'tv', yuv_matrix: 'bt709' }))
      .toEqual(['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv']);
    expect(rgbToYuvFilters({}, 'yuv420p')).toEqual([]);
    expect(rgbToYuvFilters({ yuv_matrix: 'bt601', color_space: 'smpte170m' }, 'yuv420p')).toEqual([]);
    expect(rgbToYuvFilters({ yuv_matrix: 'bt709' }, 'yuv444p')).toEqual(['scale=out_color_matrix=bt709:out_range=tv', 'format=yuv444p']);
  });

  it('is found by both probes in a BT.709 file and a full-range one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-colour-'));
    const [bt709, full] = [join(dir, 'bt709.mp4'), join(dir, 'full.mp4')];
    const src = ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=64x48:r=25:d=0.2'];
    execFileSync(ffmpegPath(), [...src, '-vf', 'scale=out_color_matrix=bt709,format=yuv420p', '-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv', '-c:v', 'libx264', bt709]);
    execFileSync(ffmpegPath(), [...src, '-vf', 'format=yuvj420p', '-c:v', 'libx264', '-pix_fmt', 'yuvj420p', full]);
    const tagged = { space: 'bt709', range: 'tv', primaries: 'bt709', transfer: 'bt709' };
    expect((await probeVideo(bt709)).colour).toEqual(tagged);
    expect((await probeWithFfmpeg(bt709)).colour).toEqual(tagged);
    for (const info of [await probeVideo(full), await probeWithFfmpeg(full)]) expect(fullRange(info.pixFmt, info.colour)).toBe(true);
  });
});

describe('deeperThan8Bits', () => {
  it('tells 10-, 12- and 16-bit formats from 8-bit ones', () => {
    for (const f of ['yuv420p10le', 'yuv422p10be', 'p010le', 'yuv444p12le', 'gbrp16le', 'rgb48le', 'yuv420p9le']) expect(deeperThan8Bits(f)).toBe(true);
    for (const f of ['yuv420p', 'yuvj420p', 'nv12', 'rgb24', 'gray', 'yuv444p', undefined]) expect(deeperThan8Bits(f)).toBe(false);
  });
});
