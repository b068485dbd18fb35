// The work folder (--work-dir) holds every job's chunks and journal: it must be writable before any
// rank starts, or the job would fail deep inside with a bare errno.
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** Checks that job folders can be made under `workRoot` (creating nothing); throws a one-line error. */
export function checkWorkRoot(workRoot: string): void {
  const fail = (why: string) =>
    new StylerunError('WORK_DIR_NOT_WRITABLE', ExitCode.badOutput, `cannot write job folders under ${workRoot}: ${why}; choose another --work-dir`);
  // the job makes the missing folders itself, so what counts is the nearest one that exists
  let dir = workRoot;
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) throw fail(dir === workRoot ? 'it is not a folder' : `${dir} is not a folder`);
      break;
    } catch (e) {
      if (e instanceof StylerunError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw fail(`${dir} cannot be read (${code})`);
      const up = dirname(dir);
      if (up === dir) throw fail('no folder of it exists');
      dir = up;
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const readOnly = (e as NodeJS.ErrnoException).code === 'EROFS';
    throw fail(`folder ${dir} is ${readOnly ? 'on a read-only file system' : 'not writable'}`);
  }
}
