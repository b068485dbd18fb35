// Where the styled video goes: a local file (written under a temporary name beside it, then renamed), or a
// blob (written into the job folder, then uploaded as blocks that become visible all at once when the block
// list is committed). Either way a half-written output is never visible.
import type { RestError } from '@azure/storage-blob';
import { renameSync, rmSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import type { Logger } from '../../common/log.js';
import { blobFailure, containerClient, describeBlob, isBlobLocation, parseBlobLocation, sasWriteProblem, usesAccountKey, type BlobLocation } from '../../common/storage/blob-location.js';
import { checkOutput, checkOutputExtension, removeTemporary, temporaryOutput } from './output.js';

/** The output, checked. */
export interface JobOutput {
  /** What messages and the summary name: the path, or the blob's URL without its SAS. */
  readonly name: string;
  /** Where the gather writes, before the output is committed. */
  temporary(jobId: string, workDir: string): string;
  /** Makes the finished temporary file the output. */
  commit(temporary: string): Promise<void>;
  /** Removes a temporary file left by a job that did not finish. */
  discard(temporary: string): void;
}

/** Checks `value` before anything starts: a local output's folder (exit 5), a blob's container (exit 5). */
export async function openJobOutput(value: string, input: string, log: Logger): Promise<JobOutput> {
  if (!isBlobLocation(value)) {
    checkOutput(value, input);
    return {
      name: value,
      temporary: (jobId) => temporaryOutput(value, jobId),
      commit: async (tmp) => renameSync(tmp, value),
      discard: removeTemporary,
    };
  }
  const location = parseBlobLocation(value, '--output');
  const name = describeBlob(location);
  checkOutputExtension(location.blobName || location.container);
  if (usesAccountKey(location)) log.warn(`--output: an account key gives every right on the account; a SAS for the container is enough`);
  await checkContainer(location, name);
  const blob = containerClient(location).getBlockBlobClient(location.blobName);
  return {
    name,
    temporary: (_jobId, workDir) => join(workDir, `output${extname(location.blobName)}`),
    commit: async (tmp) => {
      try {
        await blob.uploadFile(tmp, { blockSize: 8 * 1024 * 1024, concurrency: 4, blobHTTPHeaders: { blobContentType: 'video/mp4' } });
      } catch (e) {
        // refused at the end (a SAS revoked, a policy): the job's chunks are kept for a resume
        throw new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${name}: ${blobFailure(e)}`, { cause: e });
      }
      rmSync(tmp, { force: true });
    },
    discard: removeTemporary,
  };
}

async function checkContainer(location: BlobLocation, name: string): Promise<void> {
  const fail = (why: string) => new StylerunError('OUTPUT_NOT_WRITABLE', ExitCode.badOutput, `cannot write ${name}: ${why}`);
  const sasProblem = location.credential.kind === 'sas' ? sasWriteProblem(location.credential.sas) : undefined;
  if (sasProblem) throw fail(sasProblem);
  try {
    // listing one blob needs list rights only; a SAS for writing one blob may lack them, and is let through
    await containerClient(location).listBlobsFlat().byPage({ maxPageSize: 1 }).next();
  } catch (e) {
    const status = (e as RestError).statusCode;
    if (status === 404) throw fail(`container ${location.container} does not exist`);
    if (status !== 403) throw fail(blobFailure(e));
  }
}
