// `stylerun models import-ml5 DIR --output X.onnx`: an ml5 fast-style checkpoint folder becomes an ONNX model
// that keeps the model contract. The conversion is models/ml5's; this file maps its errors to exit codes and
// writes the file whole (a temporary name beside it, then a rename), so an interrupted build leaves no half model.
import { renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { UsageError } from '../../common/errors/usage-error.js';
import { Ml5CheckpointError } from '../../models/ml5/checkpoint-error.js';
import { importMl5 } from '../../models/ml5/import-ml5.js';

/** Converts the checkpoint in `dir` and writes it to `output`; returns the model's size in bytes. */
export function importMl5Command(dir: string, output: string): number {
  if (extname(output).toLowerCase() !== '.onnx') throw new UsageError(`--output must end in .onnx, got "${basename(output)}"`);
  checkFolder(output);
  let bytes: Uint8Array;
  try {
    bytes = importMl5(dir);
  } catch (e) {
    if (e instanceof Ml5CheckpointError) throw new StylerunError('BAD_ML5_CHECKPOINT', ExitCode.badModel, e.message, { cause: e });
    throw e;
  }
  const partial = join(dirname(output), `.${basename(output)}.partial`);
  try {
    writeFileSync(partial, bytes);
    renameSync(partial, output);
  } catch (cause) {
    rmSync(partial, { force: true });
    const reason = (cause as NodeJS.ErrnoException).code ?? String(cause);
    throw new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${output} (${reason})`, { cause });
  }
  return bytes.length;
}

// before the conversion, so a mistyped --output fails at once
function checkFolder(output: string): void {
  const dir = dirname(output);
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    /* missing: said below */
  }
  if (!isFolder) throw new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${output}: folder ${dir} does not exist`);
}
