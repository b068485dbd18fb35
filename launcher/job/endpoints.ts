// What the job opens on the network for its ranks: the coordinator's gRPC server (TLS where any rank is on
// another host), and for ranks that do not share the launcher's disk, the served input and model and the
// PutChunk receiver. Decides each rank's addresses by its host; closes all of it together.
import { hostname } from 'node:os';
import { UsageError } from '../../common/errors/usage-error.js';
import type { Logger } from '../../common/log.js';
import type { ChunkStore } from '../../common/storage/storage.js';
import {
  coordinatorCertVariable, fingerprint256, makeCoordinatorCertificate, readCoordinatorCertificate, serverCredentials, type CoordinatorCertificate,
} from '../../common/tls.js';
import type { StatusReply } from '../../proto/generated/stylerun/v1/StatusReply.js';
import type { JobOptions } from '../cli/options.js';
import { receiveChunk } from '../coordinator/chunk-receiver.js';
import type { RemoteInput } from '../coordinator/rerun-loop.js';
import { inputUrlPath, serveFiles, type ServedFiles } from '../coordinator/served-files.js';
import { CoordinatorServer } from '../coordinator/server.js';
import type { JobInput } from './job-input.js';

/** The job's open endpoints and what each rank is told of them. */
export interface Endpoints {
  readonly server: CoordinatorServer;
  readonly port: number;
  readonly certPem?: string;
  /** The environment every rank gets for TLS (the certificate to pin), if any. */
  readonly tlsEnv: Record<string, string>;
  /** The coordinator's address as a rank on `host` reaches it. */
  coordinatorFor(host: string): string;
  /** How a rank on `host` reads the input; undefined for this machine's ranks (the path). */
  inputFor(host: string): RemoteInput | undefined;
  /** The model's URL for a rank on `host` without the launcher's disk; undefined for this machine's ranks. */
  modelUrlFor(host: string): string | undefined;
  close(): Promise<void>;
}

/** What opening the endpoints needs. */
export interface EndpointsPlan {
  opts: JobOptions;
  hosts: readonly string[];
  jobToken: string;
  status: () => StatusReply;
  store: ChunkStore;
  input: JobInput;
  /** What the input is read from on this machine (a path, or a relay's URL). */
  inputPath: string;
  log: Logger;
}

export async function openEndpoints({ opts, hosts, jobToken, status, store, input, inputPath, log }: EndpointsPlan): Promise<Endpoints> {
  // ranks on other hosts reach the coordinator beyond loopback, and only over TLS; they share no disk with
  // the launcher, so the input is served to them and their chunks come back over PutChunk
  const anyRemote = hosts.some((h) => h !== hostname());
  // chunks come through the launcher from ranks that can neither write the store's folder nor upload to it
  const takesChunks = !store.writeUrl && (anyRemote || !store.directory);
  const server = new CoordinatorServer(jobToken, status, takesChunks
    ? async (header, pieces) => {
      await receiveChunk(store, header, pieces);
      log.debug(`rank ${header.rank} sent ${header.key}`, { bytes: header.size });
    }
    : undefined, store.writeUrl && (async (key) => {
      const url = await store.writeUrl!(key);
      log.debug(`a write SAS for ${key} made`);
      return url;
    }));
  let served: ServedFiles | undefined;
  const close = async () => {
    await served?.close();
    await server.close();
  };
  try {
    const tls = await coordinatorTls(opts, anyRemote);
    const bindHost = anyRemote ? '0.0.0.0' : '127.0.0.1';
    const port = await server.listen(bindHost, 0, tls && serverCredentials(tls));
    log.info(`coordinator on ${bindHost}:${port}${tls ? ` (TLS, certificate ${fingerprint256(tls.certPem)})` : ''}`);
    // a Blob input reaches other hosts' ranks as a URL with its own read-only SAS; a local one is served
    const inputPathUrl = inputUrlPath(inputPath);
    const files: Record<string, string> = { '/model.onnx': opts.modelPath, ...(input.remoteUrl ? {} : { [inputPathUrl]: inputPath }) };
    served = anyRemote ? await serveFiles(files, jobToken, bindHost, tls) : undefined;
    const external = opts.coordinatorAddress ?? hostname();
    const remote = (host: string) => host !== hostname();
    const urlFor = (path: string, host: string) => (served && remote(host) ? `https://${external}:${served.port}${path}` : undefined);
    return {
      server,
      port,
      certPem: tls?.certPem,
      tlsEnv: tls ? { [coordinatorCertVariable]: tls.certPem } : {},
      coordinatorFor: (host) => (remote(host) ? `${external}:${port}` : `127.0.0.1:${port}`),
      inputFor: (host) => {
        const url = urlFor(inputPathUrl, host);
        if (url === undefined) return undefined;
        return input.remoteUrl ? { url: input.remoteUrl, access: 'url' } : { url, access: 'launcher' };
      },
      modelUrlFor: (host) => urlFor('/model.onnx', host),
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** The coordinator's certificate, where the job uses TLS; a user's certificate that cannot be read is a usage error. */
async function coordinatorTls(opts: JobOptions, anyRemote: boolean): Promise<CoordinatorCertificate | undefined> {
  if (opts.tls.kind === 'none') return anyRemote ? makeCoordinatorCertificate() : undefined;
  if (opts.tls.kind === 'self-signed') return makeCoordinatorCertificate();
  try {
    return readCoordinatorCertificate(opts.tls.certPath, opts.tls.keyPath);
  } catch (e) {
    throw new UsageError(`--tls-cert/--tls-key: ${(e as Error).message.split('\n')[0]}`, 'BAD_CERTIFICATE');
  }
}
