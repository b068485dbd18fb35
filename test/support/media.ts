// Small media fixtures made with ffmpeg, and readers for what the tests check.
import { ffmpegPath, ffprobePath } from '../../common/ffmpeg/binaries.js';
import { passthroughTiming } from '../../common/ffmpeg/features.js';
import { runTool } from '../../common/ffmpeg/run.js';

const blocks = 13; // bits of frame index, one 8x8 block each (up to 8191)

/**
 * An H.264 video whose frame i shows i in binary (block b white when bit b is set), with B-frames and
 * short GOPs so that a rank seeking into the middle must be frame-exact.
 */
export async function makeIndexedVideo(
  path: string, frames: number, opts: { rate?: string; audio?: boolean; variableRate?: boolean; randomSpacing?: boolean; firstIndex?: number } = {},
): Promise<void> {
  const rate = opts.rate ?? '25';
  const passthrough = passthroughTiming();
  // variable rate: 40 ms apart for 40 frames, then 65 ms, then 90 ms after frame 70 (timestamps in ms);
  // random spacing: every frame 20..59 ms after the one before (random(0) keeps its state across frames)
  const vfr = opts.variableRate
    ? [',settb=1/1000,setpts=N*40+gte(N\\,40)*(N-40)*25+gte(N\\,70)*(N-70)*25', ...passthrough, '-enc_time_base', '1/200', '-video_track_timescale', '1000']
    : opts.randomSpacing
      ? [',settb=1/1000,setpts=if(eq(N\\,0)\\,0\\,PREV_OUTPTS+20+floor(40*random(0)))', ...passthrough, '-enc_time_base', '1/1000', '-video_track_timescale', '1000', '-bf', '0', '-use_editlist', '0']
      : [''];
  // frame N shows index N + firstIndex (another video of the same length, with firstIndex > 0)
  const lum = `255*mod(trunc((N+${opts.firstIndex ?? 0})/pow(2\\,trunc(X/8)))\\,2)`;
  const audio = opts.audio ? ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000'] : [];
  await runTool(ffmpegPath(), [
    '-v', 'error', '-y', '-f', 'lavfi', '-i', `color=c=black:size=${blocks * 8}x16:rate=${rate},format=gray,geq=lum='${lum}'${vfr[0]}`, ...audio, ...vfr.slice(1),
    '-frames:v', String(frames), '-c:v', 'libx264', '-g', '7', ...(opts.randomSpacing ? [] : ['-bf', '2']), '-crf', '10', '-pix_fmt', 'yuv420p',
    ...(opts.audio ? ['-c:a', 'aac', '-shortest'] : []), path,
  ]);
}

/** Decodes a video made by makeIndexedVideo (or its styled copy) back into the index of each frame. */
export async function readIndices(path: string, invert = false): Promise<number[]> {
  const w = blocks * 8;
  const h = 16;
  const raw = await rawFrames(path, 'gray');
  const out: number[] = [];
  for (let f = 0; f * w * h < raw.length; f++) {
    let index = 0;
    for (let b = 0; b < blocks; b++) {
      const v = raw[f * w * h + 8 * w + b * 8 + 4];
      if ((v > 128) !== invert) index |= 1 << b;
    }
    out.push(index);
  }
  return out;
}

/** All frames of a video as raw bytes in the given pixel format. */
export async function rawFrames(path: string, pixFmt = 'rgb24'): Promise<Buffer> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpegPath(), ['-nostdin', '-v', 'error', '-i', path, ...passthroughTiming(), '-f', 'rawvideo', '-pix_fmt', pixFmt, 'pipe:1'], {
      stdio: ['ignore', 'pipe', 'ignore'], // the rawvideo muxer complains of every irregular step; the exit code tells
    });
    const parts: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => parts.push(b));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(parts)) : reject(new Error(`ffmpeg exited ${code}`))));
  });
}

/** Stream facts ffprobe reports, decoding to count frames. */
export async function streamFacts(path: string): Promise<{ frames: number; width: number; height: number; rFrameRate: string; avgFrameRate: string; duration: number; audioDuration?: number; audioCodec?: string }> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-count_frames', '-show_streams', '-of', 'json', path]);
  const streams = (JSON.parse(stdout) as { streams: Record<string, string | number>[] }).streams;
  const v = streams.find((s) => s.codec_type === 'video')!;
  const a = streams.find((s) => s.codec_type === 'audio');
  return {
    frames: Number(v.nb_read_frames), width: Number(v.width), height: Number(v.height), rFrameRate: String(v.r_frame_rate),
    avgFrameRate: String(v.avg_frame_rate), duration: Number(v.duration),
    audioDuration: a ? Number(a.duration) : undefined, audioCodec: a ? String(a.codec_name) : undefined,
  };
}

/** Presentation timestamps of the video packets that are shown (not hidden by an edit list), sorted. */
export async function videoPts(path: string): Promise<number[]> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts,flags', '-of', 'csv=p=0', path]);
  return stdout
    .split('\n')
    .filter((l) => l.trim() && !l.split(',')[1]?.includes('D'))
    .map((l) => Number(l.split(',')[0]))
    .sort((a, b) => a - b);
}

/** ffmpeg's per-frame hashes of every decoded stream (video and audio), without the header comments. */
export async function frameHashes(path: string): Promise<string[]> {
  const { stdout } = await runTool(ffmpegPath(), ['-v', 'error', '-i', path, '-map', '0', '-f', 'framemd5', '-']);
  return stdout.split('\n').filter((l) => l && !l.startsWith('#'));
}

/** The first video stream's `entries` (e.g. "sample_aspect_ratio,display_aspect_ratio"), as ffprobe's csv=p=0 prints them. */
export async function videoStreamEntries(path: string, entries: string): Promise<string> {
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-show_entries', `stream=${entries}`, '-of', 'csv=p=0', path]);
  return stdout.trim();
}

/** PSNR in dB of `a` against `b`, 8-bit samples; samples of different lengths are a failure. */
export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`PSNR of ${a.length} samples against ${b.length}`);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.length));
}
