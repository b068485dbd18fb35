import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ProcessError } from '../../../common/errors/process-error.js';
import { passthroughTiming } from '../../../common/ffmpeg/features.js';
import { concatList, copyArgs, encodeOutput, framesArgs, outputArgs } from '../../../launcher/job/gather.js';
import { chooseChroma } from '../../../launcher/job/output-encoding.js';
import { GatherError } from '../../../launcher/job/gather-error.js';
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

describe('the gather ffmpeg arguments', () => {
  const info = {
    path: '/in/a b.mp4', width: 320, height: 240, pixFmt: 'yuv420p', startSeconds: 0, timeBase: { num: 1, den: 12800 },
    pts: [0, 512, 1024, 1536], audio: { codec: 'aac' },
  } as VideoInfo;
  const timing = passthroughTiming();

  it('lists the inputs, a global -y, the output options and the output in the order fluent-ffmpeg gave them', () => {
    const plan = { chunks: [], info, output: '/o/x.mp4', workDir: '/w', encoding: { codec: 'ffv1' } };
    expect(outputArgs('/w/chunks.ffconcat', plan, { pixFmt: 'yuv420p' })).toEqual([
      '-f', 'concat', '-safe', '0', '-i', '/w/chunks.ffconcat', '-i', '/in/a b.mp4', '-y',
      '-map', '0:v:0', '-vf', 'settb=1/12800,setpts=PTS-STARTPTS+0', ...timing, '-enc_time_base', '1/25',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p',
      '-map', '1:a:0', '-c:a:0', 'copy', '-map_metadata', '1', '-video_track_timescale', '12800', '-movflags', '+faststart', '-y', '/o/x.mp4',
    ]);
  });

  it('encodes a BT.709 source\'s styled RGB with BT.709 and tags the output as the source was', () => {
    const colour = { space: 'bt709', primaries: 'bt709', transfer: 'bt709', range: 'tv' as const };
    const plan = { chunks: [], info: { ...info, colour }, output: '/o/x.mp4', workDir: '/w', encoding: { codec: 'ffv1' } };
    const args = outputArgs('/w/chunks.ffconcat', plan, { pixFmt: 'yuv420p' });
    expect(args[args.indexOf('-vf') + 1]).toBe('settb=1/12800,setpts=PTS-STARTPTS+0,scale=out_color_matrix=bt709:out_range=tv,format=yuv420p');
    expect(args.join(' ')).toContain('-pix_fmt yuv420p -colorspace bt709 -color_primaries bt709 -color_trc bt709 -color_range tv');
  });

  it('encodes FFV1 chunks with the source\'s sample aspect ratio where its pixels are not square', () => {
    const plan = { chunks: [], info: { ...info, sampleAspect: { num: 8, den: 9 } }, output: '/o/x.mp4', workDir: '/w', encoding: { codec: 'ffv1' } };
    const args = outputArgs('/w/chunks.ffconcat', plan, { pixFmt: 'yuv420p' });
    expect(args[args.indexOf('-vf') + 1]).toBe('settb=1/12800,setpts=PTS-STARTPTS+0,setsar=8/9');
  });

  it('copies H.264 chunks and the audio without encoding, with the track time scale the source has', () => {
    const plan = { chunks: [], info, output: '/o/x.mp4', workDir: '/w', encoding: { codec: 'h264' } };
    expect(copyArgs('/w/chunks.ffconcat', plan)).toEqual([
      '-f', 'concat', '-safe', '0', '-i', '/w/chunks.ffconcat', '-i', '/in/a b.mp4', '-y',
      '-map', '0:v:0', '-c:v', 'copy',
      '-map', '1:a:0', '-c:a:0', 'copy', '-map_metadata', '1', '-video_track_timescale', '12800', '-movflags', '+faststart', '-y', '/o/x.mp4',
    ]);
  });

  it('shifts copied chunks to where the first frame sits after the container start (video starting after the audio)', () => {
    const late = { ...info, startSeconds: 0, pts: [1024, 1536, 2048] } as VideoInfo;
    const args = copyArgs('/w/l', { chunks: [], info: late, output: '/o/x.mkv', workDir: '/w', encoding: { codec: 'h264' } });
    expect(args.slice(0, 3)).toEqual(['-itsoffset', '0.080000', '-f']);
  });

  it('writes the frames of --keep-frames numbered from 0', () => {
    expect(framesArgs('/w/l', '/k')).toEqual(['-f', 'concat', '-safe', '0', '-i', '/w/l', '-y', ...timing, '-start_number', '0', '-y', '/k/frame-%06d.png']);
  });
});

describe('encodeOutput', () => {
  it('rejects with GatherError, caused by ffmpeg\'s ProcessError and its stderr tail, when a chunk file is missing', async () => {
    const workDir = mkdtempSync(join(tmpdir(), 'stylerun-gather-'));
    const missing = join(workDir, 'chunk-000000000-2.nut');
    const info = { path: missing, width: 32, height: 32, pixFmt: 'yuv420p', startSeconds: 0, timeBase: { num: 1, den: 25 }, pts: [0, 1] } as VideoInfo;
    const error = await encodeOutput({ chunks: [{ path: missing, start: 0 }], info, output: join(workDir, 'out.mp4'), workDir, encoding: { codec: 'h264' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatherError);
    expect(error).toMatchObject({ code: 'GATHER_FAILED', exitCode: 1, step: 'encode', target: join(workDir, 'out.mp4') });
    const cause = (error as GatherError).cause as ProcessError;
    expect(cause).toBeInstanceOf(ProcessError);
    expect(cause.exitCode).not.toBe(0);
    expect(cause.exitCode).toEqual(expect.any(Number));
    expect(cause.stderrTail).toContain(missing);
    expect((error as Error).message).toBe(`ffmpeg (gather) failed: ${cause.stderrTail.trim().split('\n').at(-1)}`);
  });
});

describe('GatherError', () => {
  it.each([
    ['/out/.o.stylerun-1a2b3c4d.partial.mp4: Operation not permitted', 5],
    ['/out/.o.partial.mp4: Permission denied', 5],
    ['/out/.o.partial.mp4: Read-only file system', 5],
    ['av_interleaved_write_frame(): No space left on device', 8],
    ['Invalid data found when processing input', 1],
  ])("takes '%s' for exit code %i: where ffmpeg could not write, the output's place or the disk is at fault", (tail, code) => {
    expect(new GatherError('encode', '/out/o.mp4', { stderrTail: `frame=1\n${tail}\n` }).exitCode).toBe(code);
  });
});
