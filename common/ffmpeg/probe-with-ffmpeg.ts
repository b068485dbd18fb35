// Probing with ffmpeg alone, for machines that have ffmpeg but no ffprobe (a static ffmpeg carried to
// a GPU host, say): the packet list comes from the framecrc muxer, the rest from ffmpeg's stream dump.
import { ProcessError } from '../errors/process-error.js';
import { InputError } from '../errors/input-error.js';
import { colourOfStreamLine } from './colour.js';
import { ffmpegPath } from './binaries.js';
import { runTool } from './run.js';
import { interlacing, stillImage, uprightSampleAspect, uprightSize, type Rational, type VideoInfo } from './video-info.js';

const discardFlag = 0x4; // AV_PKT_FLAG_DISCARD: packets an edit list hides

/** Probes `path` with ffmpeg only (the caller has checked the file is readable). */
export async function probeWithFfmpeg(path: string): Promise<VideoInfo> {
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await runTool(ffmpegPath(), ['-hide_banner', '-nostdin', '-copyts', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-']));
  } catch (e) {
    const tail = e instanceof ProcessError ? e.stderrTail : '';
    if (/matches no streams/.test(tail)) throw new InputError('INPUT_NO_VIDEO', path, `${path} has no video stream`);
    throw new InputError('INPUT_NOT_VIDEO', path, `${path} is not a video ffmpeg can read`, { cause: e });
  }
  const header = (key: string) => new RegExp(`^#${key} 0: (.+)$`, 'm').exec(stdout)?.[1];
  const [tbNum, tbDen] = (header('tb') ?? '1/90000').split('/').map(Number);
  const [width, height] = (header('dimensions') ?? '0x0').split('x').map(Number);
  const pts: number[] = [];
  for (const line of stdout.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(',').map((f) => f.trim());
    const flags = /^F=0x([0-9a-f]+)$/i.exec(fields[6] ?? '');
    if (flags && parseInt(flags[1], 16) & discardFlag) continue;
    pts.push(Number(fields[2]));
  }
  if (pts.length === 0) throw new InputError('INPUT_NO_FRAMES', path, `${path} has a video stream with no frames`);
  const format = /^Input #0, ([^,]+),/m.exec(stderr)?.[1] ?? '';
  if (stillImage(format, header('codec_id'), pts.length)) throw new InputError('INPUT_NOT_VIDEO', path, `${path} is a still image (${format}), not a video`);
  const videoLine = /Stream #0:\d+.*?: Video: .*/.exec(stderr)?.[0] ?? '';
  // the video stream's own lines (metadata, side data) run to the next stream's
  const videoSection = /Stream #0:\d+.*?: Video: [\s\S]*?(?=\n\s*Stream #|$)/.exec(stderr)?.[0] ?? '';
  const rotation = Number(/displaymatrix: rotation of (-?[\d.]+) degrees/.exec(videoSection)?.[1] ?? /^\s*rotate\s*: (-?\d+)/m.exec(videoSection)?.[1] ?? 0) || undefined;
  const fps = Number(/([\d.]+) fps/.exec(videoLine)?.[1] ?? 0);
  const tbr = Number(/([\d.]+)k? tbr/.exec(videoLine)?.[1] ?? fps);
  const audio = /Stream #0:\d+.*?: Audio: (\w+)/.exec(stderr)?.[1];
  const duration = /Duration: (\d+):(\d+):([\d.]+)/.exec(stderr);
  return {
    path, ...uprightSize(width, height, rotation),
    ...(rotation !== undefined ? { rotation } : {}),
    sampleAspect: uprightSampleAspect(/\[SAR (\d+:\d+) DAR/.exec(videoLine)?.[1], rotation),
    interlaced: interlacing(/Video: [^,]+, \w+\(([^)]*)/.exec(videoLine)?.[1]),
    codec: header('codec_id') ?? 'unknown',
    pixFmt: /Video: [^,]+, (\w+)/.exec(videoLine)?.[1],
    colour: colourOfStreamLine(videoLine),
    timeBase: { num: tbNum, den: tbDen },
    startSeconds: Number(/start: (-?[\d.]+)/.exec(stderr)?.[1] ?? 0),
    pts: pts.sort((a, b) => a - b),
    avgFrameRate: rateFromDecimal(fps),
    rFrameRate: rateFromDecimal(tbr),
    durationSeconds: duration ? Number(duration[1]) * 3600 + Number(duration[2]) * 60 + Number(duration[3]) : 0,
    audio: audio ? { codec: audio, durationSeconds: 0 } : undefined,
    audioTracks: [...stderr.matchAll(/Stream #0:\d+.*?: Audio: (\w+)/g)].map((m) => m[1]!),
    subtitleTracks: [...stderr.matchAll(/Stream #0:\d+.*?: Subtitle: (\w+)/g)].map((m) => m[1]!),
  };
}

/** ffmpeg prints rates rounded ("29.97 fps"): map the usual NTSC ones back to their exact rationals. */
function rateFromDecimal(fps: number): Rational {
  for (const base of [24, 30, 60, 120]) {
    if (Math.abs(fps - (base * 1000) / 1001) < 0.01) return { num: base * 1000, den: 1001 };
  }
  return { num: Math.round(fps * 1000), den: 1000 };
}
