// What the ffmpeg in use can do, found by asking it rather than by reading its version: stylerun
// runs with the npm static ffmpeg 4.1, Debian's 5.1 and newer ones, whose flags differ.
import { spawnSync } from 'node:child_process';
import { ffmpegPath } from './binaries.js';

const fpsModeSupport = new Map<string, boolean>();

/** Whether `binary` takes `-fps_mode` (ffmpeg 5.1+); older ones only know `-vsync`. */
export function hasFpsMode(binary = ffmpegPath()): boolean {
  let known = fpsModeSupport.get(binary);
  if (known === undefined) {
    const probe = spawnSync(binary, ['-hide_banner', '-v', 'quiet', '-f', 'lavfi', '-i', 'nullsrc=s=16x16:d=0.04', '-fps_mode', 'passthrough', '-f', 'null', '-'], {
      stdio: 'ignore', timeout: 20_000,
    });
    known = probe.status === 0;
    fpsModeSupport.set(binary, known);
  }
  return known;
}

/** Output flags that pass every frame through with its own timestamp: no duplication, no dropping. */
export function passthroughTiming(binary = ffmpegPath()): string[] {
  return hasFpsMode(binary) ? ['-fps_mode', 'passthrough'] : ['-vsync', 'passthrough'];
}
