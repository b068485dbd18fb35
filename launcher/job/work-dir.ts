// The work folder (--work-dir) holds every job's chunks and journal: it must be writable before any
// rank starts, or the job would fail deep inside with a bare errno.
import type { RestError } from '@azure/storage-blob';
import { accessSync, constants, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { blobPrefix, containerClient, describeBlob, type BlobLocation } from '../../common/storage/blob-location.js';

/** Checks that job folders can be made under `workRoot` (creating nothing); throws a one-line error. */
export function checkWorkRoot(workRoot: string): void {
  const why = folderProblem(workRoot);
  if (why) throw new StylerunError('WORK_DIR_NOT_WRITABLE', ExitCode.badOutput, `cannot write job folders under ${workRoot}: ${why}; choose another --work-dir`);
}

/** Checks that rank logs can be written into --output-dir `dir` (creating nothing); throws a one-line error. */
export function checkOutputDir(dir: string | undefined): void {
  const why = dir && folderProblem(dir);
  if (why) throw new StylerunError('OUTPUT_DIR_NOT_WRITABLE', ExitCode.badOutput, `cannot write rank logs into ${dir}: ${why}; choose another --output-dir`);
}

/**
 * Why the folder `path` cannot be used or made, or undefined. Missing folders are made when needed, so what
 * counts is the nearest one that exists: it must be a folder this process may write.
 */
export function folderProblem(path: string): string | undefined {
  let dir = path;
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) return dir === path ? 'it is not a folder' : `${dir} is not a folder`;
      break;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') return `${dir} cannot be read (${code})`;
      const up = dirname(dir);
      if (up === dir) return 'no folder of it exists';
      dir = up;
    }
  }
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (e) {
    const readOnly = (e as NodeJS.ErrnoException).code === 'EROFS';
    return `folder ${dir} is ${readOnly ? 'on a read-only file system' : 'not writable'}`;
  }
  return kernelFileSystemProblem(dir);
}

// Linux's file systems that show the kernel's state and hold no files (statfs f_type): root passes their access
// check, and Node 20's recursive mkdir under /proc loops for ever (mkdir gives ENOENT, its parent EEXIST)
const kernelFileSystems = new Map([
  [0x9fa0, 'proc'], [0x62656572, 'sysfs'], [0x1cd1, 'devpts'], [0x27e0eb, 'cgroup'], [0x63677270, 'cgroup2'], [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'], [0x73636673, 'securityfs'], [0xcafe4a11, 'bpf'], [0x62656570, 'configfs'], [0x6165676c, 'pstore'], [0xde5e81e4, 'efivarfs'],
]);

/** Why files cannot be made in the existing folder `dir` although it passes the access check (a kernel file system), or undefined. */
export function kernelFileSystemProblem(dir: string): string | undefined {
  let type: number;
  try {
    type = statfsSync(dir).type;
  } catch {
    return undefined; // no statfs here: the writes will tell
  }
  const name = kernelFileSystems.get(type);
  return name && `folder ${dir} is on ${name}, a kernel file system that holds no files`;
}

/** Checks that a Blob --work-dir's container exists and that its credential may list it (the least a job needs). */
export async function checkWorkStore(at: BlobLocation): Promise<void> {
  const name = describeBlob(at);
  const fail = (why: string) => new StylerunError('WORK_DIR_NOT_WRITABLE', ExitCode.badOutput, `cannot keep jobs in ${name}: ${why}; choose another --work-dir`);
  try {
    await containerClient(at).listBlobsFlat({ prefix: blobPrefix(at) }).byPage({ maxPageSize: 1 }).next();
  } catch (e) {
    const status = (e as RestError).statusCode;
    if (status === 404) throw fail(`container ${at.container} does not exist`);
    if (status === 403) throw fail('the credential may not list it (a SAS needs racwdl on the container)');
    throw fail(`${status ?? (e as Error).name}`);
  }
}
