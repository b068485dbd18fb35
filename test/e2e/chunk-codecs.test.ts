import { chmodSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ffmpegPath, ffprobePath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { makeIndexedVideo, readIndices, streamFacts, videoPts } from '../support/media.js';

/**
 * The md5 of each decoded video frame, in order. A stream copy keeps them; any encode of lossy frames
 * changes them. (Packet bytes differ: MP4 stores H.264 length-prefixed, NUT with start codes.)
 */
async function pictureHashes(path: string): Promise<string[]> {
  const { stdout } = await runTool(ffmpegPath(), ['-v', 'error', '-i', path, '-map', '0:v:0', '-f', 'framemd5', '-']);
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(',').at(-1)!.trim());
}

/** Codec and keyframe flag of each video packet of a file, in decode order. */
async function packets(path: string): Promise<{ codec: string; keyframes: boolean[] }> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name:packet=flags', '-of', 'json', path]);
  const j = JSON.parse(stdout) as { streams: { codec_name: string }[]; packets: { flags: string }[] };
  return { codec: j.streams[0].codec_name, keyframes: j.packets.map((p) => p.flags.includes('K')) };
}

describe('chunk codecs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-codecs-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const delayed = join(dir, 'delayed.mp4');
  const frames = 61;

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
    // the same video starting 0.2 s after its audio
    await runTool(ffmpegPath(), ['-v', 'error', '-y', '-itsoffset', '0.2', '-i', input, '-i', input, '-map', '0:v', '-map', '1:a', '-c', 'copy', delayed]);
  });

  it('puts the ranks’ H.264 chunks into the output untouched, each chunk starting with a keyframe', async () => {
    const output = join(dir, 'copied.mp4');
    const work = join(dir, 'work-copy');
    // an ffprobe that notes each start: the launcher counts an H.264 chunk's frames from its sample table
    const started = join(dir, 'ffprobe-starts');
    const ffprobe = join(dir, 'ffprobe');
    writeFileSync(ffprobe, `#!/bin/sh\necho "$*" >> ${started}\nexec ${ffprobePath()} "$@"\n`);
    chmodSync(ffprobe, 0o755);
    const r = await runCli(['-n', '3', '--input', input, '--output', output, '--model', model, '--chunk-frames', '8', '--work-dir', work, '--keep-work'], { cwd: dir, env: { STYLERUN_FFPROBE: ffprobe } });
    expect(r.code, r.stderr).toBe(0);
    const starts = readFileSync(started, 'utf8').trim().split('\n');
    expect(starts.filter((a) => !a.endsWith(input))).toEqual([]); // none for a chunk, only the input's probe
    expect(r.stderr).toContain('the gather copies them');
    // 4:2:0 chunks: the ranks' ffmpeg processes give and take yuv420p, which the model converts
    expect(r.stderr).toContain('uint8 yuv420p frames converted inside the graph');
    const [job] = readdirSync(work);
    const chunkDir = join(work, job, 'chunks');
    const chunks = readdirSync(chunkDir).filter((f) => f.endsWith('.mp4')).sort();
    expect(chunks.length).toBe(8); // 61 frames on a grid of 8-frame chunks, whichever rank encodes each
    const chunkPictures: string[] = [];
    for (const c of chunks) {
      const p = await packets(join(chunkDir, c));
      expect(p.codec).toBe('h264');
      expect(p.keyframes[0]).toBe(true);
      chunkPictures.push(...(await pictureHashes(join(chunkDir, c))));
    }
    expect(await pictureHashes(output)).toEqual(chunkPictures);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
    expect((await streamFacts(output)).audioCodec).toBe('aac');
  });

  it.each(['h264', 'ffv1'])('keeps a video that starts 0.2 s after its audio in place, with %s chunks', async (codec) => {
    const output = join(dir, `delayed-${codec}.mp4`);
    const r = await runCli(['-n', '2', '--input', delayed, '--output', output, '--model', model, '--chunk-codec', codec, '--chunk-frames', '9', '--work-dir', join(dir, 'work')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(await videoPts(output)).toEqual(await videoPts(delayed));
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    const start = async (p: string) => (await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'stream=start_time', '-of', 'csv=p=0', p])).stdout.trim();
    expect(await start(output)).toBe(await start(delayed));
  });

  it('encodes lossless FFV1 chunks once at the gather with --chunk-codec ffv1, frame-exact on a variable-rate source', async () => {
    const vfr = join(dir, 'variable.mp4');
    await makeIndexedVideo(vfr, frames, { variableRate: true });
    const output = join(dir, 'ffv1.mp4');
    const work = join(dir, 'work-ffv1');
    const r = await runCli(['-n', '3', '--input', vfr, '--output', output, '--model', model, '--chunk-codec', 'ffv1', '--chunk-frames', '6', '--work-dir', work, '--keep-work'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the gather encodes the output');
    // lossless chunks keep the model's RGB as it gave it
    expect(r.stderr).toContain('uint8 rgb24 frames converted inside the graph');
    const [job] = readdirSync(work);
    const chunks = readdirSync(join(work, job, 'chunks')).filter((f) => f.endsWith('.nut'));
    expect((await packets(join(work, job, 'chunks', chunks[0]))).codec).toBe('ffv1');
    expect((await packets(output)).codec).toBe('h264');
    expect(await videoPts(output)).toEqual(await videoPts(vfr));
    expect(await readIndices(output, true)).toEqual(await readIndices(vfr));
  });

  it('refuses an unknown chunk codec in one line, with the usage exit code', async () => {
    const r = await runCli(['--input', input, '--output', join(dir, 'x.mp4'), '--model', model, '--chunk-codec', 'prores'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/--chunk-codec must be one of h264, ffv1, got prores$/);
  });
});
