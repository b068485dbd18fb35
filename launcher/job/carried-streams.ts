// What the gather carries from the source besides the styled video, as `ffmpeg -i in.mp4 ... out.mkv` users
// expect: every audio track (copied where the output's container takes its codec, else AAC), the subtitle tracks
// that container can hold (converted between text formats where needed), and the file's own metadata (title,
// creation time). Chapters come along by ffmpeg's default. Data tracks (timecode, GPS) are left out.
import { extname } from 'node:path';

/** Audio codecs an MP4/MOV file can carry as they are. */
const mp4AudioCopy = new Set(['aac', 'mp3', 'alac', 'ac3', 'eac3']);
/** Text subtitles, which MP4/MOV hold as mov_text. */
const textSubtitles = new Set(['subrip', 'srt', 'ass', 'ssa', 'webvtt', 'mov_text', 'text']);
/** Subtitles Matroska holds as they are (ffmpeg 4.1 and later); other text ones become SubRip. */
const matroskaSubtitleCopy = new Set(['subrip', 'srt', 'ass', 'ssa', 'hdmv_pgs_subtitle', 'dvd_subtitle', 'dvb_subtitle']);

/** The source's tracks the output gets, as ffmpeg arguments (the source being input 1), and those it cannot hold. */
export interface CarriedStreams {
  args: string[];
  /** One phrase per subtitle track left out, e.g. "subtitle track 2 (hdmv_pgs_subtitle)". */
  leftOut: string[];
}

/** Whether the source's audio in `codec` can be copied into a file with this extension. */
function audioCopyAllowed(outputPath: string, codec: string): boolean {
  return matroska(outputPath) || mp4AudioCopy.has(codec);
}

/** The tracks `audio` and `subtitles` (codec names, in source order) of the source, for an output at `outputPath`. */
export function carriedStreams(outputPath: string, audio: readonly string[], subtitles: readonly string[]): CarriedStreams {
  const args: string[] = [];
  audio.forEach((codec, i) => {
    args.push('-map', `1:a:${i}`, ...(audioCopyAllowed(outputPath, codec) ? [`-c:a:${i}`, 'copy'] : [`-c:a:${i}`, 'aac', `-b:a:${i}`, '192k']));
  });
  const leftOut: string[] = [];
  let kept = 0;
  subtitles.forEach((codec, i) => {
    const as = subtitleCodec(outputPath, codec);
    if (!as) return void leftOut.push(`subtitle track ${i + 1} (${codec})`);
    args.push('-map', `1:s:${i}`, `-c:s:${kept++}`, as);
  });
  return { args: [...args, '-map_metadata', '1'], leftOut };
}

/** What a subtitle track in `codec` becomes in the output: copied, converted, or undefined where it cannot go. */
function subtitleCodec(outputPath: string, codec: string): string | undefined {
  if (matroska(outputPath)) return matroskaSubtitleCopy.has(codec) ? 'copy' : textSubtitles.has(codec) ? 'srt' : undefined;
  if (codec === 'mov_text') return 'copy';
  return textSubtitles.has(codec) ? 'mov_text' : undefined;
}

function matroska(outputPath: string): boolean {
  return extname(outputPath).toLowerCase() === '.mkv';
}
