import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelOptions, stylerunProto } from '../../common/proto.js';
import { fingerprint256, makeCoordinatorCertificate, pinnedCredentials, serverCredentials, type CoordinatorCertificate } from '../../common/tls.js';
import { CoordinatorServer } from '../../launcher/coordinator/server.js';

describe('the control plane over TLS, with a pinned per-job certificate', () => {
  const token = 'a'.repeat(48);
  let cert: CoordinatorCertificate;
  let other: CoordinatorCertificate;
  let server: CoordinatorServer;
  let address: string;

  beforeAll(async () => {
    cert = await makeCoordinatorCertificate();
    other = await makeCoordinatorCertificate();
    server = new CoordinatorServer(token, () => ({ job_id: 'feedbeef' }));
    address = `127.0.0.1:${await server.listen('127.0.0.1', 0, serverCredentials(cert))}`;
  });

  afterAll(() => server.close());

  function status(credentials: grpc.ChannelCredentials, options: grpc.ChannelOptions = {}): Promise<{ code: number; jobId?: string }> {
    const { Coordinator } = stylerunProto();
    const client = new Coordinator(address, credentials, { ...channelOptions, ...options });
    return new Promise((resolve) =>
      client.Status({ job_token: token }, { deadline: Date.now() + 3000 }, (err, r) => {
        client.close();
        resolve(err ? { code: err.code } : { code: grpc.status.OK, jobId: r!.job_id });
      }),
    );
  }

  it('makes a certificate per job, each with its own fingerprint', () => {
    expect(fingerprint256(cert.certPem)).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(fingerprint256(other.certPem)).not.toBe(fingerprint256(cert.certPem));
  });

  it('answers a client that pins the coordinator’s certificate', async () => {
    const { credentials, options } = pinnedCredentials(cert.certPem);
    expect(await status(credentials, options)).toEqual({ code: grpc.status.OK, jobId: 'feedbeef' });
  });

  it('is refused by a client that pins another certificate', async () => {
    const { credentials, options } = pinnedCredentials(other.certPem);
    expect((await status(credentials, options)).code).toBe(grpc.status.UNAVAILABLE);
  });

  it('does not talk to a client without TLS', async () => {
    expect((await status(grpc.credentials.createInsecure())).code).toBe(grpc.status.UNAVAILABLE);
  });
});
