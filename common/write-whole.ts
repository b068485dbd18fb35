// Writing a small file so that a reader sees the old one or the new one, never half of either: the bytes go
// to a staged name of this process's own, then a rename puts them in place (atomic on one file system).
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/** Writes `data` to `path` whole; `mode` as writeFileSync takes it (e.g. 0o600 for a file holding a secret). */
export function writeWhole(path: string, data: string, mode?: number): void {
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(staged, data, mode === undefined ? undefined : { mode });
    renameSync(staged, path);
  } catch (e) {
    rmSync(staged, { force: true });
    throw e;
  }
}

/**
 * Creates `path` with `data` only where no file is there (a lock): written whole under a name of its own, then
 * linked into place, which fails if `path` exists. An exclusive create would show another process an empty file
 * for a moment, which a lock's reader takes for a torn, so stale, lock. False where `path` exists.
 */
export function createWhole(path: string, data: string, mode?: number): boolean {
  const staged = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(staged, data, mode === undefined ? undefined : { mode });
  try {
    linkSync(staged, path);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    rmSync(staged, { force: true });
  }
}

/** The text of the small file at `path`, or undefined where there is none (or it cannot be read). */
export function readTextIfAny(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `text` parsed as JSON of type T (unchecked), or undefined where there is no text or it is no JSON. */
export function parseJsonIfAny<T>(text: string | undefined): T | undefined {
  try {
    return text === undefined ? undefined : (JSON.parse(text) as T);
  } catch {
    return undefined;
  }
}
