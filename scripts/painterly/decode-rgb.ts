// Decodes an image (or a video's first frame) to packed RGB bytes at a given size, with ffmpeg.
import { execFileSync } from 'node:child_process';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';

/** The picture at `path` scaled to width x height, as rgb24 bytes (3 per pixel, row-major). */
export function decodeRgb(path: string, width: number, height: number): Uint8Array {
  const bytes = execFileSync(
    ffmpegPath(),
    ['-v', 'error', '-i', path, '-frames:v', '1', '-vf', `scale=${width}:${height}:flags=area`, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { maxBuffer: width * height * 3 + 1024 },
  );
  if (bytes.length !== width * height * 3) {
    throw new Error(`ffmpeg gave ${bytes.length} bytes for ${path}, expected ${width * height * 3}`);
  }
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}
