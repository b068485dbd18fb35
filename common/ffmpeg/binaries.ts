// Where the ffmpeg and ffprobe executables come from: $PATH first, else the npm packages that ship them.
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { ToolNotFoundError } from '../errors/tool-not-found-error.js';
import { UsageError } from '../errors/usage-error.js';

const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

/** Absolute path of the ffmpeg executable ($STYLERUN_FFMPEG, $PATH, then @ffmpeg-installer/ffmpeg). */
export function ffmpegPath(): string {
  return resolveTool('ffmpeg', 'STYLERUN_FFMPEG', '@ffmpeg-installer/ffmpeg');
}

/**
 * Absolute path of the ffprobe executable ($STYLERUN_FFPROBE, $PATH, then @ffprobe-installer/ffprobe).
 * STYLERUN_FFPROBE=none makes stylerun do without it (probing then uses ffmpeg alone).
 */
export function ffprobePath(): string {
  // not a user's error: callers ask hasFfprobe() first and probe with ffmpeg alone
  if (process.env.STYLERUN_FFPROBE === 'none') throw new Error('ffprobe disabled by STYLERUN_FFPROBE=none');
  return resolveTool('ffprobe', 'STYLERUN_FFPROBE', '@ffprobe-installer/ffprobe');
}

/** Whether an ffprobe can be found (else probing falls back to ffmpeg alone); a STYLERUN_FFPROBE naming no executable throws. */
export function hasFfprobe(): boolean {
  try {
    ffprobePath();
    return true;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return false;
  }
}

function resolveTool(name: string, envVar: string, npmPackage: string): string {
  const hit = cache.get(name);
  if (hit) return hit;
  const given = process.env[envVar];
  // the user's own choice is used as given, or refused: never silently replaced by another ffmpeg
  if (given && !isExecutable(given)) throw new UsageError(`${envVar}=${given}: not an executable file`, 'BAD_TOOL_PATH');
  const path = given || onPath(name) || fromNpm(name, npmPackage);
  if (!path) {
    throw new ToolNotFoundError(name, npmPackage);
  }
  cache.set(name, path);
  return path;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fromNpm(name: string, npmPackage: string): string | undefined {
  let path: string;
  try {
    path = (require(npmPackage) as { path: string }).path;
  } catch {
    return undefined;
  }
  if (!existsSync(path)) return undefined;
  if (isExecutable(path)) return path;
  // npm does not run the package's "chmod u+x" install script (.npmrc: ignore-scripts): do it ourselves,
  // and where node_modules is read-only, use an executable copy in the temp folder.
  try {
    chmodSync(path, 0o755);
    if (isExecutable(path)) return path;
  } catch {
    /* read-only install: fall through to the copy */
  }
  const dir = join(tmpdir(), 'stylerun-bin');
  mkdirSync(dir, { recursive: true });
  const copy = join(dir, name);
  if (!isExecutable(copy)) {
    copyFileSync(path, copy);
    chmodSync(copy, 0o755);
  }
  return copy;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
