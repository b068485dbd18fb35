// `stylerun demo`: makes a short sample clip with ffmpeg (a zooming fractal with a tone) and styles it.
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { runTool } from '../../common/ffmpeg/run.js';

// Small on purpose: the default style (matta, a trained TransformerNet) costs about 0.8 s a 320x240 frame on one
// CPU core, so 2 s at 15 fps is 30 frames, and the demo stays well under a minute on a 2-core CPU. Both sides are
// multiples of 4, as the network wants, so no frame is padded.
const width = 320;
const height = 240;
const framesPerSecond = 15;

/** Writes a `seconds`-long 320x240 15 fps clip with AAC audio to `path`. */
export async function makeSampleClip(path: string, seconds = 2): Promise<void> {
  await runTool(ffmpegPath(), [
    '-v', 'error', '-y',
    '-f', 'lavfi', '-i', `mandelbrot=size=${width}x${height}:rate=${framesPerSecond}`,
    '-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=44100`,
    '-t', String(seconds), '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', path,
  ]);
}
