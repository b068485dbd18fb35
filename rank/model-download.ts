// A rank on a host that does not share the launcher's disk downloads the job's model from the launcher
// (launcher/coordinator/served-files.ts) before loading it: over TLS pinned to the coordinator's
// certificate, with the job token in a header, into the rank's own scratch folder.
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { pinnedAgent } from '../common/tls.js';

/** Downloads `url` to `dest` (mode 0600); rejects with the launcher's answer when it is not 200. */
export async function downloadServed(url: string, jobToken: string, certPem: string | undefined, dest: string): Promise<void> {
  if (!certPem) throw new Error('the launcher serves the model over TLS but no certificate was given to pin');
  const agent = pinnedAgent(certPem);
  try {
    const response = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      httpsRequest(url, { agent, headers: { authorization: `Bearer ${jobToken}` } }, resolve).on('error', reject).end();
    });
    if (response.statusCode !== 200) {
      response.resume();
      throw new Error(`the launcher answered ${response.statusCode} ${response.statusMessage ?? ''} for the model`.trim());
    }
    await pipeline(response, createWriteStream(dest, { mode: 0o600 }));
  } catch (e) {
    await rm(dest, { force: true });
    throw new Error(`could not download the model from the launcher: ${(e as Error).message}`, { cause: e });
  } finally {
    agent.destroy();
  }
}
