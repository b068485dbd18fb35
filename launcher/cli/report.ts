// `stylerun report JOB`: writes a job's HTML report again from its job.json (every job writes it at its end;
// this is for a record fetched from elsewhere, or a report deleted). A Blob --work-dir's record is fetched first.
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import { UsageError } from '../../common/errors/usage-error.js';
import type { Logger } from '../../common/log.js';
import { isBlobLocation, parseBlobLocation, redactLocation } from '../../common/storage/blob-location.js';
import { fetchBlobRecord } from '../job-store/blob-job-mirror.js';
import { readJobRecord } from '../job-store/job-record.js';
import { renderReport } from '../job/report.js';
import { workRoot, type RawOptions } from './options.js';

/** Writes job `jobId`'s report to `output` (default: report.html in its folder); resolves with the path written. */
export async function reportCommand(jobId: string, workDir: string | undefined, output: string | undefined, log: Logger): Promise<string> {
  const raw = { workDir } as RawOptions;
  const root = workRoot(raw);
  const valid = /^[0-9a-f]{8}$/.test(jobId);
  const found = valid && (workDir && isBlobLocation(workDir)
    ? await fetchBlobRecord(parseBlobLocation(workDir, '--work-dir'), jobId, join(root, jobId), log)
    : existsSync(join(root, jobId, 'job.json')));
  if (!found) throw new UsageError(`no job ${jobId} in ${workDir && isBlobLocation(workDir) ? redactLocation(workDir) : root} (check --work-dir)`);
  const path = output ? resolve(output) : join(root, jobId, 'report.html');
  const html = renderReport(readJobRecord(root, jobId));
  try {
    writeFileSync(path, html);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'EISDIR' ? 'it is a folder' : code === 'ENOENT' ? 'its folder does not exist' : code === 'EACCES' ? 'permission denied' : code;
    throw new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${path}: ${why}`);
  }
  return path;
}
