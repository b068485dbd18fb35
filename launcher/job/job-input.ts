// The job's input as the launcher and its ranks read it: a local file as it is, or a blob read through a
// loopback relay (common/http-relay.ts) so that its SAS never reaches a command line. Ranks on other hosts
// get a URL with a read-only SAS of their own and relay it themselves.
import type { RestError } from '@azure/storage-blob';
import { InputError } from '../../common/errors/input-error.js';
import { probeVideo } from '../../common/ffmpeg/probe.js';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import { startHttpRelay } from '../../common/http-relay.js';
import type { Logger } from '../../common/log.js';
import { blobFailure, containerClient, describeBlob, isBlobLocation, parseBlobLocation, usesAccountKey, canSignSas } from '../../common/storage/blob-location.js';
import { azureBlob } from '../../common/storage/azure-sdk.js';

/** The input, ready to read. */
export interface JobInput {
  /** What ffprobe, the gather and this machine's ranks read: the path, or a loopback relay's URL. */
  readonly path: string;
  /** What messages name: the path, or the blob's URL without its SAS. */
  readonly name: string;
  /** For ranks on other hosts, a URL that carries its own read-only credential; unset for a local file (the launcher serves it). */
  readonly remoteUrl?: string;
  close(): Promise<void>;
}

/** How long the read-only SAS made for ranks lasts: longer than a job, short of a standing credential. */
const rankSasHours = 12;

/** Opens `value` (a path, or a Blob location) for the job; a blob that is missing or refused is a bad input (exit 3). */
export async function openJobInput(value: string, log: Logger): Promise<JobInput> {
  if (!isBlobLocation(value)) return { path: value, name: value, close: async () => {} };
  const location = parseBlobLocation(value, '--input');
  const name = describeBlob(location);
  if (usesAccountKey(location)) log.warn(`--input: an account key gives every right on the account; a SAS for the container is enough`);
  const blob = containerClient(location).getBlobClient(location.blobName);
  try {
    await blob.getProperties();
  } catch (e) {
    const status = (e as RestError).statusCode;
    if (status === 404) throw new InputError('INPUT_MISSING', name, `${name} does not exist`);
    throw new InputError('INPUT_UNREADABLE', name, `${name} cannot be read (${blobFailure(e)}${status === 403 ? ': the SAS does not allow reading it' : ''})`);
  }
  // a client made from a SAS URL keeps the SAS in its url; one made from a key mints a read-only SAS
  const url = !canSignSas(location)
    ? blob.url
    : await blob.generateSasUrl({ permissions: azureBlob().BlobSASPermissions.parse('r'), expiresOn: new Date(Date.now() + rankSasHours * 3_600_000) });
  const relay = await startHttpRelay(url);
  return { path: relay.url, name, remoteUrl: url, close: () => relay.close() };
}

/** Probes the input, naming it as the user did in any error (not by the relay's URL). */
export async function probeInput(input: JobInput): Promise<VideoInfo> {
  try {
    return await probeVideo(input.path);
  } catch (e) {
    if (e instanceof InputError && input.path !== input.name) throw new InputError(e.code, input.name, e.message.replaceAll(input.path, input.name), { cause: e });
    throw e;
  }
}
