// ffmpeg reads the launcher's served input (launcher/coordinator/input-server.ts) through this relay on the
// rank's own loopback: the relay adds the job token and checks the launcher's pinned certificate, so
// neither the token nor a TLS option ever reaches ffmpeg's command line, and ffmpeg needs no TLS build at
// all. The relay's URL holds a random path of its own, good only while this rank runs, on this host.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { pinnedAgent } from '../common/tls.js';

/** Headers that describe the bytes; everything else stays between the relay and the launcher. */
const passedBack = ['content-length', 'content-range', 'accept-ranges', 'content-type'];

/** A running relay: ffmpeg reads `url`. */
export interface InputRelay {
  readonly url: string;
  close(): Promise<void>;
}

/** Relays GET/HEAD (with Range) on a loopback URL to `source`, adding `jobToken`; pins `certPem` for https. */
export async function startInputRelay(source: string, jobToken: string, certPem?: string): Promise<InputRelay> {
  const target = new URL(source);
  const secure = target.protocol === 'https:';
  if (secure && !certPem) throw new Error('the launcher serves the input over TLS but no certificate was given to pin');
  const agent = secure ? pinnedAgent(certPem!) : undefined;
  const secret = `/${randomBytes(16).toString('hex')}${target.pathname}`;
  const relay = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== secret || (req.method !== 'GET' && req.method !== 'HEAD')) return void res.writeHead(404).end();
    const headers: Record<string, string> = { authorization: `Bearer ${jobToken}` };
    if (req.headers.range) headers.range = req.headers.range;
    const upstream = (secure ? httpsRequest : httpRequest)(target, { method: req.method, headers, agent }, (answer) => {
      const back = Object.fromEntries(passedBack.filter((h) => answer.headers[h] !== undefined).map((h) => [h, String(answer.headers[h])]));
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    upstream.on('error', (e) => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end(`launcher unreachable: ${e.message}\n`)));
    res.on('close', () => upstream.destroy()); // ffmpeg dropped the connection to seek
    upstream.end();
  };
  const server = createServer(relay);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}${secret}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
        agent?.destroy();
      }),
  };
}
