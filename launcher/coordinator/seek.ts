// Where a rank must seek and trim to decode exactly frames [start, ...) of the input.
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';

/** Seconds of margin before the first frame for the keyframe seek (covers B-frame reordering). */
export const seekMarginSeconds = 2;

/** Seek and trim points for a range starting at frame `start`. */
export function seekPoints(info: Pick<VideoInfo, 'pts' | 'timeBase' | 'startSeconds'>, start: number): { seekSeconds: number; trimSeconds: number } {
  if (start === 0) return { seekSeconds: 0, trimSeconds: -1 };
  const tb = info.timeBase.num / info.timeBase.den;
  const first = info.pts[start] * tb;
  const previous = info.pts[start - 1] * tb;
  return {
    seekSeconds: Math.max(0, first - info.startSeconds - seekMarginSeconds),
    trimSeconds: (first + previous) / 2,
  };
}
