// What a job says when it starts about a source it styles as it is but whose output differs from what a video
// engineer might assume: tracks the output's container cannot hold, interlacing, more than 8 bits a sample.
import { extname } from 'node:path';
import { deeperThan8Bits } from '../../common/ffmpeg/colour.js';
import { audioTracks, type VideoInfo } from '../../common/ffmpeg/video-info.js';
import { carriedStreams } from './carried-streams.js';

/** One warning line per such trait of the source `info`, named `input`, for an output named `output`. */
export function sourceWarnings(info: Pick<VideoInfo, 'audio' | 'audioTracks' | 'subtitleTracks' | 'interlaced' | 'pixFmt'>, input: string, output: string): string[] {
  const warnings: string[] = [];
  const leftOut = carriedStreams(output, audioTracks(info), info.subtitleTracks ?? []).leftOut;
  if (leftOut.length) warnings.push(`${leftOut.join(', ')} of ${input} cannot go into ${extname(output)}: left out (an .mkv output keeps it)`);
  // styled as they are, both fields in one frame: deinterlacing changes every pixel, which is the user's choice
  if (info.interlaced) {
    warnings.push(`${input} is interlaced (${info.interlaced} field first): each frame is styled with both its fields and the output is progressive; for a clean result deinterlace it first (e.g. ffmpeg -vf bwdif=mode=send_field doubles the frame rate, bwdif=mode=send_frame keeps it)`);
  }
  // the model contract is 8-bit RGB in and out, so the styled frames are 8-bit whatever the source's depth
  if (deeperThan8Bits(info.pixFmt)) warnings.push(`${input} has more than 8 bits a sample (${info.pixFmt}): models take and give 8-bit frames, so the output is 8-bit`);
  return warnings;
}
