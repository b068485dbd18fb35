// TLS for the control plane: a per-job self-signed certificate that the ranks pin (they trust that one
// certificate and no authority), or the user's own certificate. The certificate is public and travels to
// the ranks in their environment; its private key stays with the coordinator.
import { Agent as HttpsAgent } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

/** The name the coordinator's certificate carries and the ranks ask for (TLS names no IP address). */
export const coordinatorName = 'stylerun-coordinator';

/** The rank's variable that holds the coordinator's certificate (PEM); set, the rank connects over TLS. */
export const coordinatorCertVariable = 'STYLERUN_COORDINATOR_CERT';

/** A certificate and its private key, in PEM. */
export interface CoordinatorCertificate {
  certPem: string;
  keyPem: string;
}

/** A fresh self-signed certificate for one job's coordinator (P-256, valid a week; made in ~50 ms). */
export async function makeCoordinatorCertificate(): Promise<CoordinatorCertificate> {
  // loaded here, not at the top: ranks load this module to pin, and selfsigned's crypto modules cost a rank
  // ~0.1 s of start-up for a certificate only the launcher makes. A require, not import(): the bundled
  // launcher (scripts/bundle/) runs from V8's code cache, which keeps no dynamic import() callback
  const selfsigned = createRequire(import.meta.url)('selfsigned') as typeof import('selfsigned');
  const pems = await selfsigned.generate([{ name: 'commonName', value: coordinatorName }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256', notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: coordinatorName }] }],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}

/** The user's own certificate and key (PEM files); throws with the file at fault. */
export function readCoordinatorCertificate(certPath: string, keyPath: string): CoordinatorCertificate {
  const certPem = readFileSync(certPath, 'utf8');
  new X509Certificate(certPem); // fails on anything but a PEM certificate
  return { certPem, keyPem: readFileSync(keyPath, 'utf8') };
}

/** The SHA-256 fingerprint of a PEM certificate, as Node prints it (AA:BB:...). */
export function fingerprint256(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

export function serverCredentials(c: CoordinatorCertificate): grpc.ServerCredentials {
  return grpc.ServerCredentials.createSsl(null, [{ cert_chain: Buffer.from(c.certPem), private_key: Buffer.from(c.keyPem) }], false);
}

/**
 * A rank's credentials for a coordinator whose certificate is `certPem`: TLS that accepts that certificate
 * only (the pin: its SHA-256 fingerprint), whatever names it holds; plus the channel option that asks for
 * the coordinator's name rather than an IP address.
 */
export function pinnedCredentials(certPem: string): { credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions } {
  const pin = fingerprint256(certPem);
  const credentials = grpc.credentials.createSsl(Buffer.from(certPem), null, null, {
    checkServerIdentity: (_host, peer) => (peer.fingerprint256 === pin ? undefined : new Error(`the coordinator's certificate ${peer.fingerprint256} is not the pinned ${pin}`)),
  });
  return { credentials, options: { 'grpc.ssl_target_name_override': coordinatorName, 'grpc.default_authority': coordinatorName } };
}

/** An https agent that trusts the coordinator's certificate `certPem` only (the same pin), for the files it serves. */
export function pinnedAgent(certPem: string): HttpsAgent {
  const pin = fingerprint256(certPem);
  return new HttpsAgent({
    keepAlive: true,
    ca: certPem,
    // pinned by fingerprint, so the name the launcher was reached by does not matter
    checkServerIdentity: (_host, peer) => (peer.fingerprint256 === pin ? undefined : new Error(`the launcher's certificate ${peer.fingerprint256} is not the pinned ${pin}`)),
  });
}
