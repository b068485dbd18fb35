// A chunk counts only once its bytes hash to what the rank reported and it holds the frames it claims.
import { ffprobePath } from '../common/ffmpeg/binaries.js';
import { runTool } from '../common/ffmpeg/run.js';
import { sha256File } from '../rank/chunk-writer.js';

/** Throws (saying why) unless the chunk file at `path` has `sha256` and `count` frames. */
export async function verifyChunk(path: string, sha256: string, count: number): Promise<void> {
  let actual: string;
  try {
    actual = await sha256File(path);
  } catch {
    throw new Error(`chunk ${path} is missing`);
  }
  if (actual !== sha256) throw new Error(`chunk ${path} checksum mismatch`);
  const { stdout } = await runTool(ffprobePath(), ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=nb_read_packets', '-of', 'csv=p=0', path]);
  const frames = Number(stdout.trim());
  if (frames !== count) throw new Error(`chunk ${path} holds ${frames} frames, not ${count}`);
}
