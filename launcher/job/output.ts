// The output file appears only when complete: the job writes a temporary name beside it and renames.
import { accessSync, constants, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { UsageError } from '../../common/errors/usage-error.js';
import { kernelFileSystemProblem } from './work-dir.js';

/** Containers the output may use (H.264 video inside). */
export const outputExtensions = ['.mp4', '.m4v', '.mov', '.mkv'];

/** The output's container must be one the gather can write: --output's extension names it (exit 2). */
export function checkOutputExtension(output: string): void {
  const ext = extname(output).toLowerCase();
  if (!outputExtensions.includes(ext)) throw new UsageError(`--output must end in ${outputExtensions.join(', ')}, got "${basename(output)}"`);
}

/** Whether both paths exist and are one file (a symbolic or hard link): the output's rename would replace the input. */
function sameFile(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Checks that `output` can be written (before any work starts); throws a one-line error. */
export function checkOutput(output: string, input: string): void {
  checkOutputExtension(output);
  if (output === input || sameFile(output, input)) throw new UsageError(`--output must not be the input file${output === input ? '' : ` (${output} and ${input} are one file, through a link)`}`);
  const dir = dirname(output);
  const fail = (why: string) => new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${output}: ${why}`);
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw fail(`folder ${dir} does not exist`);
  }
  if (!st.isDirectory()) throw fail(`${dir} is not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw fail(`folder ${dir} is not writable`);
  }
  const kernel = kernelFileSystemProblem(dir);
  if (kernel) throw fail(kernel);
  try {
    if (statSync(output).isDirectory()) throw fail('it is a folder');
  } catch (e) {
    if (e instanceof StylerunError) throw e;
  }
}

/** The temporary name the output is written under (same folder, so the final rename is atomic). */
export function temporaryOutput(output: string, jobId: string): string {
  return join(dirname(output), `.${basename(output, extname(output))}.stylerun-${jobId}.partial${extname(output)}`);
}

/** Removes a temporary output, if any. */
export function removeTemporary(path: string): void {
  rmSync(path, { force: true });
}
