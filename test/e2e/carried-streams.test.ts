// Besides the styled video, the output carries what `ffmpeg -i in.mkv ... out.mkv` would: every audio track (only
// the first one's codec used to decide copy or AAC for all, so a second PCM track failed an MP4 gather), the
// subtitle tracks (they were dropped), the file's title and its chapters, with the source's timing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-carried-'));
const model = join(dir, 'invert.onnx');
const source = join(dir, 'film.mkv');

/** Each track as "type codec language", the title and the chapters' titles. */
async function tracks(path: string): Promise<{ streams: string[]; title: string; chapters: string[] }> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-show_streams', '-show_chapters', '-show_format', '-of', 'json', path]);
  const j = JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; tags?: Record<string, string> }[]; chapters: { tags?: { title?: string } }[]; format: { tags?: Record<string, string> } };
  return {
    // MP4 writes its chapters as a data track too
    streams: j.streams.filter((s) => s.codec_type !== 'data').map((s) => `${s.codec_type} ${s.codec_name} ${s.tags?.language ?? s.tags?.LANGUAGE ?? ''}`.trim()),
    title: j.format.tags?.title ?? j.format.tags?.TITLE ?? '',
    chapters: j.chapters.map((c) => c.tags?.title ?? ''),
  };
}

/** The first subtitle track as SubRip text (cue times and words; ffmpeg 4.1 reads mov_text back with font tags). */
async function subtitles(path: string): Promise<string> {
  return (await runTool(ffmpegPath(), ['-v', 'error', '-i', path, '-map', '0:s:0', '-f', 'srt', '-'])).stdout.replace(/<[^>]+>/g, '');
}

beforeAll(async () => {
  writeFileSync(model, invertModel());
  const srt = join(dir, 'words.srt');
  writeFileSync(srt, '1\n00:00:00,200 --> 00:00:00,900\nHello\n\n2\n00:00:01,000 --> 00:00:01,700\nWorld\n');
  const meta = join(dir, 'meta.txt');
  writeFileSync(meta, ';FFMETADATA1\ntitle=A film\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=0\nEND=1000\ntitle=One\n[CHAPTER]\nTIMEBASE=1/1000\nSTART=1000\nEND=2000\ntitle=Two\n');
  await runTool(ffmpegPath(), [
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc=s=96x64:r=25:d=2', '-f', 'lavfi', '-i', 'sine=f=440:d=2', '-f', 'lavfi', '-i', 'sine=f=880:d=2', '-i', srt, '-i', meta,
    '-map', '0', '-map', '1', '-map', '2', '-map', '3', '-map_metadata', '4', '-map_chapters', '4',
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a:0', 'aac', '-c:a:1', 'pcm_s16le', '-c:s', 'srt',
    '-metadata:s:a:0', 'language=eng', '-metadata:s:a:1', 'language=fra', '-metadata:s:s:0', 'language=deu', source,
  ]);
});

describe('the tracks a job carries from its source', () => {
  it.each([
    ['mkv', ['video h264', 'audio aac eng', 'audio pcm_s16le fra', 'subtitle subrip deu']],
    ['mp4', ['video h264 und', 'audio aac eng', 'audio aac fra', 'subtitle mov_text deu']],
  ])('are every audio and subtitle track, the title and the chapters, in a .%s output', async (container, streams) => {
    expect((await tracks(source)).streams).toEqual(['video h264', 'audio aac eng', 'audio pcm_s16le fra', 'subtitle subrip deu']);
    const output = join(dir, `styled.${container}`);
    const r = await runCli(['-n', '2', '--input', source, '--output', output, '--model', model, '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await tracks(output)).toEqual({ streams, title: 'A film', chapters: ['One', 'Two'] });
    expect(await subtitles(output)).toBe(await subtitles(source));
  }, 60_000);
});
