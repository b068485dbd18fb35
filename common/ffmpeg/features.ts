// What the ffmpeg in use can do, found by asking it rather than by reading its version: stylerun
// runs with the npm static ffmpeg 4.1, Debian's 5.1 and newer ones, whose flags differ.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from './binaries.js';

/** Environment variable in which a process hands its child processes what it learnt: [binary, takes -fps_mode][]. */
export const FPS_MODE_KNOWN_VARIABLE = 'STYLERUN_FFMPEG_FPS_MODE_KNOWN';

let fpsModeKnown: Map<string, boolean> | undefined;

/**
 * [binary, takes -fps_mode], starting from what the environment hands down: read at first use, not at import,
 * since a rank started ahead of its job gets the job's environment later (launcher/spawn/local.ts).
 */
function fpsModeSupport(): Map<string, boolean> {
  fpsModeKnown ??= new Map(knownFromEnv(process.env[FPS_MODE_KNOWN_VARIABLE]));
  return fpsModeKnown;
}

/** What a parent process learnt, read leniently: anything unreadable is asked again. */
export function knownFromEnv(value: string | undefined): [string, boolean][] {
  try {
    const list: unknown = JSON.parse(value ?? '[]');
    return Array.isArray(list) ? list.filter((e): e is [string, boolean] => Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'boolean') : [];
  } catch {
    return [];
  }
}

/**
 * What this process already knows about its ffmpeg binaries, as environment for a child on this machine (the
 * same files): a rank then starts no ffmpeg of its own to ask, which is about 0.08 s of CPU for Debian's
 * ffmpeg, times the ranks, while they all start at once. Asks nothing itself; empty when nothing is known yet.
 */
export function knownFeaturesEnv(): Record<string, string> {
  const known = fpsModeSupport();
  return known.size === 0 ? {} : { [FPS_MODE_KNOWN_VARIABLE]: JSON.stringify([...known]) };
}
const fpsModeProbe = ['-hide_banner', '-v', 'quiet', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.04', '-fps_mode', 'passthrough', '-f', 'null', '-'];

/** Whether `binary` takes `-fps_mode` (ffmpeg 5.1+); older ones only know `-vsync`. */
export function hasFpsMode(binary = ffmpegPath()): boolean {
  let known = fpsModeSupport().get(binary);
  if (known === undefined) {
    known = spawnSync(binary, fpsModeProbe, { stdio: 'ignore', timeout: 20_000 }).status === 0;
    fpsModeSupport().set(binary, known);
  }
  return known;
}

/**
 * Asks `binary` about -fps_mode in the background, so that hasFpsMode later answers from what it learnt
 * instead of blocking its process on ffmpeg's start (about 0.1 s for Debian's ffmpeg and its 200 libraries).
 * The launcher calls it as a job starts. A rank calls it as its job arrives, while its model loads (unless its
 * environment brought the launcher's answer), and awaits it again before its first decoder: callers share one
 * question per binary, so a rank whose answer is late waits for it instead of asking a second time. If
 * hasFpsMode is called before any, it asks on its own. Never throws: a missing ffmpeg is found out where one
 * is started.
 */
export function askFfmpegEarly(given?: string): Promise<void> {
  let binary: string;
  try {
    binary = given ?? ffmpegPath();
  } catch {
    return Promise.resolve(); // no ffmpeg: whatever starts one says so
  }
  if (fpsModeSupport().has(binary)) return Promise.resolve();
  // one question per binary at a time: a second caller (a rank's decoder, about to start) waits for its answer
  const asked = asking.get(binary);
  if (asked) return asked;
  const answer = new Promise<void>((resolve) => {
    const child = spawn(binary, fpsModeProbe, { stdio: 'ignore' });
    // A question asked in the background must neither hold its process's exit (a job refused for a missing
    // input ends while it runs: the CLI's forced exit then cut it short) nor outlive that process.
    child.unref();
    const kill = () => child.kill('SIGKILL');
    process.once('exit', kill);
    const timer = setTimeout(kill, 20_000).unref();
    const settle = (code: number | null | undefined) => {
      clearTimeout(timer);
      process.off('exit', kill);
      if (code !== undefined && !fpsModeSupport().has(binary)) fpsModeSupport().set(binary, code === 0);
      resolve();
    };
    child.on('error', () => settle(undefined));
    child.on('close', (code) => settle(code));
  }).finally(() => asking.delete(binary));
  asking.set(binary, answer);
  return answer;
}

/** The questions askFfmpegEarly has under way, by binary. */
const asking = new Map<string, Promise<void>>();

/** Output flags that pass every frame through with its own timestamp: no duplication, no dropping. */
export function passthroughTiming(binary = ffmpegPath()): string[] {
  return hasFpsMode(binary) ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}

const lastFrameSupport = new Map<string, boolean>();

/**
 * Whether `binary` gives an MP4's last frame a duration when frames are irregularly spaced in a
 * 1 ms (or finer) time base. ffmpeg 4.x does not (its muxer guesses durations only from a coarser
 * tick), so the MP4 edit list ends before the last frame and players hide it. Asked by writing
 * three such frames and looking for the discard flag on the last one.
 */
export function keepsLastFrameInMp4(binary = ffmpegPath()): boolean {
  let known = lastFrameSupport.get(binary);
  if (known === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-probe-'));
    try {
      const file = join(dir, 'probe.mp4');
      spawnSync(binary, [
        '-v', 'quiet', '-y', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:r=25,settb=1/1000,setpts=N*40+N*N', '-frames:v', '3',
        ...passthroughTiming(binary), '-enc_time_base', '1/1000', '-video_track_timescale', '1000', '-c:v', 'mpeg4', '-f', 'mp4', file,
      ], { stdio: 'ignore', timeout: 20_000 });
      // decoding drops the frames the edit list hides, as a player does
      const shown = spawnSync(binary, ['-v', 'quiet', '-i', file, '-map', '0:v', ...passthroughTiming(binary), '-f', 'framecrc', '-'], { encoding: 'utf8', timeout: 20_000 });
      known = shown.stdout.split('\n').filter((l) => l && !l.startsWith('#')).length === 3;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    lastFrameSupport.set(binary, known);
  }
  return known;
}
