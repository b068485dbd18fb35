// `stylerun demo`: makes a short sample clip with ffmpeg (a zooming fractal with a tone) and styles it.
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';

/** Writes a `seconds`-long 480x270 30 fps clip with AAC audio to `path`. */
export async function makeSampleClip(path: string, seconds = 2): Promise<void> {
  await runTool(ffmpegPath(), [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `mandelbrot=size=480x270:rate=30`,
    '-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=44100`,
    '-t', String(seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ]);
}
