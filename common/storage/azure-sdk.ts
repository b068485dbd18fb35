// The Azure Storage SDK, loaded at its first use. Importing it costs about 0.24 s of CPU, which every
// `stylerun` process (a launcher, each process under an engine, `status`) paid before it knew whether the
// job touches Blob storage at all. Node 20 cannot load an ES module synchronously, so the SDK's CommonJS
// build is required; call sites stay synchronous. Types come from `import type`, which costs nothing.
import { createRequire } from 'node:module';
import type * as AzureStorageBlob from '@azure/storage-blob';

let sdk: typeof AzureStorageBlob | undefined;

/** The @azure/storage-blob module (CommonJS build), loaded once, on the first call. */
export function azureBlob(): typeof AzureStorageBlob {
  sdk ??= createRequire(import.meta.url)('@azure/storage-blob') as typeof AzureStorageBlob;
  return sdk;
}

/** Whether `e` is the SDK's RestError with this HTTP status, from either of its builds (CommonJS or ESM). */
export function isRestStatus(e: unknown, status: number): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'RestError' && (e as { statusCode?: unknown }).statusCode === status;
}
