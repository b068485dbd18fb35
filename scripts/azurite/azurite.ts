// A real Azurite (the npm `azurite` package's Blob service) for tests and benchmarks: started on a free port with its own
// folder, stopped after. Its account is the emulator's well-known devstoreaccount1.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { BlobServiceClient, ContainerSASPermissions, StorageSharedKeyCredential, generateBlobSASQueryParameters } from '@azure/storage-blob';

const account = 'devstoreaccount1';
// the emulator's published development key (no secret: every Azurite has it)
const key = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const bin = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');

/** A running Azurite Blob service. */
export interface Azurite {
  /** e.g. http://127.0.0.1:PORT/devstoreaccount1 */
  readonly endpoint: string;
  readonly connectionString: string;
  readonly service: BlobServiceClient;
  /** A SAS for `container` with `permissions` (e.g. 'racwdl'), valid an hour. */
  sas(container: string, permissions: string): string;
  stop(): Promise<void>;
}

/** Starts Azurite on a free port of `host` (loopback; or, for ranks in network namespaces, the launcher's bridge address). */
export async function startAzurite(host = '127.0.0.1'): Promise<Azurite> {
  const child: ChildProcess = spawn(process.execPath, [bin, '--blobHost', host, '--blobPort', '0', '--location', mkdtempSync(join(tmpdir(), 'stylerun-azurite-')), '--skipApiVersionCheck', '--disableTelemetry', '--silent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`Azurite did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = new RegExp(`listens on http://${host.replaceAll('.', '\\.')}:(\\d+)`).exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => reject(new Error(`Azurite exited ${code}: ${out}`)));
  });
  const endpoint = `http://${host}:${port}/${account}`;
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${account};AccountKey=${key};BlobEndpoint=${endpoint};`;
  const credential = new StorageSharedKeyCredential(account, key);
  return {
    endpoint,
    connectionString,
    service: BlobServiceClient.fromConnectionString(connectionString),
    sas: (container, permissions) =>
      generateBlobSASQueryParameters({ containerName: container, permissions: ContainerSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3_600_000) }, credential).toString(),
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
