// Where a Blob-storage input or output lives, from what a user writes: a blob URL with a SAS query
// (https://ACCOUNT.blob.core.windows.net/CONTAINER/PATH?SAS, or an emulator's path-style
// http://HOST:PORT/ACCOUNT/CONTAINER/PATH?SAS), or az://CONTAINER/PATH with credentials from the environment
// as the Azure CLI reads them. The secret part (SAS, key, connection string) is kept apart from the name,
// so that a location can always be shown, logged or recorded without it.
import type { ContainerClient, StoragePipelineOptions } from '@azure/storage-blob';
import { azureBlob } from './azure-sdk.js';
import { UsageError } from '../errors/usage-error.js';

/** How stylerun authenticates to the account; never printed. */
export type BlobCredential =
  | { kind: 'sas'; sas: string }
  | { kind: 'connection-string'; value: string }
  | { kind: 'key'; account: string; key: string };

/** A blob, named without its secret. */
export interface BlobLocation {
  /** The service endpoint, e.g. https://acct.blob.core.windows.net or http://127.0.0.1:10000/devstoreaccount1. */
  readonly serviceUrl: string;
  readonly container: string;
  /** The blob's name in its container ('' for a container itself, as `stylerun watch` takes). */
  readonly blobName: string;
  readonly credential: BlobCredential;
}

/** Whether `value` names Blob storage rather than a local path. */
export function isBlobLocation(value: string): boolean {
  return /^(https?|az):\/\//i.test(value);
}

/** Parses a blob URL or az:// name; throws a UsageError (naming `option`, never the secret) for anything wrong. */
export function parseBlobLocation(value: string, option: string, env: NodeJS.ProcessEnv = process.env): BlobLocation {
  if (/^az:\/\//i.test(value)) {
    const [container = '', ...rest] = value.slice('az://'.length).split('/');
    return checked({ ...fromEnvironment(env, option), container, blobName: rest.join('/') }, option);
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option}: not a URL`);
  }
  const sas = url.search.replace(/^\?/, '');
  const segments = url.pathname.split('/').filter((s, i) => i > 0 || s !== '').map(decodeURIComponent);
  // ACCOUNT.blob.core.windows.net (and the sovereign clouds' blob.core.*) name the account in the host;
  // anything else (Azurite, an IP, localhost) is path-style: the first segment is the account
  const virtualHost = /\.blob\.core\./i.test(url.hostname);
  const accountSegments = virtualHost ? 0 : 1;
  if (segments.length < accountSegments + 1) throw new UsageError(`${option}: ${redactUrl(url)} names no container`);
  const serviceUrl = `${url.protocol}//${url.host}${virtualHost ? '' : `/${segments[0]}`}`;
  const [container, ...rest] = segments.slice(accountSegments);
  if (!sas) throw new UsageError(`${option}: ${redactUrl(url)} has no SAS token; add one (?sv=...&sig=...) or use az://${container}/... with AZURE_STORAGE_* variables`);
  return checked({ serviceUrl, container: container!, blobName: rest.join('/'), credential: { kind: 'sas', sas } }, option);
}

/** The location as it may be shown: its URL without any secret. */
export function describeBlob(l: Pick<BlobLocation, 'serviceUrl' | 'container' | 'blobName'>): string {
  return `${l.serviceUrl}/${l.container}${l.blobName ? `/${l.blobName}` : ''}`;
}

/** The location's blob name as a prefix for names under it: '' for a whole container, else ending in one '/'. */
export function blobPrefix(l: Pick<BlobLocation, 'blobName'>): string {
  return l.blobName ? `${l.blobName.replace(/\/+$/, '')}/` : '';
}

/** Whether two locations are in the same container of the same account. */
export function sameContainer(a: Pick<BlobLocation, 'serviceUrl' | 'container'>, b: Pick<BlobLocation, 'serviceUrl' | 'container'>): boolean {
  return a.serviceUrl === b.serviceUrl && a.container === b.container;
}

/** A value shown, logged or recorded: a blob URL loses its query (the SAS); anything else is kept. */
export function redactLocation(value: string): string {
  if (!/^https?:\/\//i.test(value)) return value;
  try {
    return redactUrl(new URL(value));
  } catch {
    return '(a URL)';
  }
}

/** The SDK's retries on throttling and dropped connections (exponential backoff), for every Blob client stylerun makes. */
export const blobRetryOptions: StoragePipelineOptions['retryOptions'] = { maxTries: 5, retryDelayInMs: 500, maxRetryDelayInMs: 8_000 };

/** A client for the location's container, with the SDK's retries (exponential backoff) on throttling and dropped connections. */
export function containerClient(l: BlobLocation): ContainerClient {
  const options: StoragePipelineOptions = { retryOptions: blobRetryOptions };
  const c = l.credential;
  const { BlobServiceClient, StorageSharedKeyCredential } = azureBlob();
  if (c.kind === 'connection-string') return BlobServiceClient.fromConnectionString(c.value, options).getContainerClient(l.container);
  if (c.kind === 'key') return new BlobServiceClient(l.serviceUrl, new StorageSharedKeyCredential(c.account, c.key), options).getContainerClient(l.container);
  return new BlobServiceClient(`${l.serviceUrl}?${c.sas}`, undefined, options).getContainerClient(l.container);
}

/** The location `sub` under this one (sub is stylerun's own name, e.g. JOB/chunks: never a user's). */
export function childLocation(l: BlobLocation, sub: string): BlobLocation {
  return { ...l, blobName: `${blobPrefix(l)}${sub}` };
}

/** Whether stylerun can make SAS tokens of its own from the credential: only an account key can sign them. */
export function canSignSas(l: BlobLocation): boolean {
  const c = l.credential;
  return c.kind === 'key' || (c.kind === 'connection-string' && /AccountKey=/i.test(c.value));
}

/** Whether the credential is an account key (which works, but is more power than a job needs: warn). */
export function usesAccountKey(l: BlobLocation): boolean {
  return l.credential.kind === 'key' || (l.credential.kind === 'connection-string' && /AccountKey=/i.test(l.credential.value) && !isEmulatorKey(l.credential.value));
}

// Azurite's well-known development key is no secret and no account's power
function isEmulatorKey(connectionString: string): boolean {
  return /AccountName=devstoreaccount1/i.test(connectionString);
}

function fromEnvironment(env: NodeJS.ProcessEnv, option: string): Pick<BlobLocation, 'serviceUrl' | 'credential'> {
  const connection = env.AZURE_STORAGE_CONNECTION_STRING;
  if (connection) return { serviceUrl: serviceUrlOf(connection, option), credential: { kind: 'connection-string', value: connection } };
  const account = env.AZURE_STORAGE_ACCOUNT;
  if (!account) throw new UsageError(`${option}: az:// needs AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT with AZURE_STORAGE_SAS_TOKEN`);
  const serviceUrl = `https://${account}.blob.core.windows.net`;
  const sas = env.AZURE_STORAGE_SAS_TOKEN;
  if (sas) return { serviceUrl, credential: { kind: 'sas', sas: sas.replace(/^\?/, '') } };
  const key = env.AZURE_STORAGE_KEY;
  if (key) return { serviceUrl, credential: { kind: 'key', account, key } };
  throw new UsageError(`${option}: AZURE_STORAGE_ACCOUNT is set but neither AZURE_STORAGE_SAS_TOKEN nor AZURE_STORAGE_KEY is`);
}

function serviceUrlOf(connectionString: string, option: string): string {
  const parts = new Map(connectionString.split(';').filter(Boolean).map((p) => {
    const at = p.indexOf('=');
    return [p.slice(0, at).toLowerCase(), p.slice(at + 1)] as const;
  }));
  const endpoint = parts.get('blobendpoint');
  if (endpoint) return endpoint.replace(/\/+$/, '');
  const account = parts.get('accountname');
  if (!account) throw new UsageError(`${option}: AZURE_STORAGE_CONNECTION_STRING has neither BlobEndpoint nor AccountName`);
  return `${parts.get('defaultendpointsprotocol') ?? 'https'}://${account}.blob.${parts.get('endpointsuffix') ?? 'core.windows.net'}`;
}

// Container names: 3-63 of a-z, 0-9 and single hyphens; blob names: no empty, "." or ".." segment, no
// backslash, so that a name can never climb out of the prefix it is meant for.
function checked(l: BlobLocation, option: string): BlobLocation {
  if (!/^(?!-)(?!.*--)[a-z0-9-]{3,63}(?<!-)$/.test(l.container)) throw new UsageError(`${option}: "${l.container}" is not a container name (3-63 of a-z, 0-9, -)`);
  if (l.blobName && l.blobName.split('/').some((s) => s === '' || s === '.' || s === '..' || s.includes('\\'))) {
    throw new UsageError(`${option}: blob name "${l.blobName}" has an empty, "." or ".." part`);
  }
  return l;
}

function redactUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`;
}

/**
 * Why a SAS cannot write a blob, from its own fields, or undefined: its permissions (`sp`) lack both write and
 * create, or it expired (`se`). Found before any work starts, where the output's container check cannot tell:
 * listing needs a right a SAS made for writing one blob may lack. A SAS without these fields is let through.
 */
export function sasWriteProblem(sas: string, now = new Date()): string | undefined {
  const q = new URLSearchParams(sas);
  const permissions = q.get('sp');
  if (permissions !== null && !/[wc]/.test(permissions)) return `its SAS may not write (permissions sp=${permissions}; a blob needs w or c)`;
  const expiry = q.get('se');
  if (expiry !== null && !Number.isNaN(Date.parse(expiry)) && Date.parse(expiry) <= now.getTime()) return `its SAS expired at ${expiry}`;
  return undefined;
}

/**
 * What a failed Blob request says, for a one-line message: the HTTP status and the service's error code
 * ("403 AuthorizationPermissionMismatch"), or, where no answer came, what stopped it ("connect ECONNREFUSED
 * 127.0.0.1:10000"). The SDK's error type name alone ("RestError") told nothing.
 */
export function blobFailure(e: unknown): string {
  const err = e as { statusCode?: number; code?: string; message?: string; name?: string };
  if (err?.statusCode) return `${err.statusCode}${err.code ? ` ${err.code}` : ''}`;
  const said = err?.message?.split('\n')[0]?.trim();
  return said || err?.code || err?.name || String(e);
}
