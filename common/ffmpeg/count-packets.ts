// How many video packets (= frames, for the intra-only chunks stylerun writes) a file holds.
import { ffmpegPath, ffprobePath, hasFfprobe } from './binaries.js';
import { runTool } from './run.js';

/** Number of packets in the first video stream, with ffprobe if present, else with ffmpeg alone. */
export async function countVideoPackets(path: string): Promise<number> {
  if (hasFfprobe()) {
    const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path]);
    return Number(stdout.trim());
  }
  const { stdout } = await runTool(ffmpegPath(), ['-v', 'error', '-nostdin', '-i', path, '-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-']);
  return stdout.split('\n').filter((l) => l && !l.startsWith('#')).length;
}
