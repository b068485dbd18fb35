// ffmpeg reads a remote input through this relay on its own machine's loopback: the relay adds what proves
// the right to read (the job token, for the launcher's served input) or carries it in the upstream URL it
// alone holds (a Blob SAS), and checks the launcher's pinned certificate, so that no secret and no TLS
// option ever reaches a command line, and ffmpeg needs no TLS build at all. The relay's own URL holds a
// random path, good only while its process runs, on this host. The launcher relays a Blob input for its
// probe and gather (launcher/job/job-input.ts); ranks relay whatever their assignment says to.
import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest, type Agent } from 'node:https';
import { extname } from 'node:path';
import { pinnedAgent } from './tls.js';

/** Headers that describe the bytes; everything else stays between the relay and the source. */
const passedBack = ['content-length', 'content-range', 'accept-ranges', 'content-type'];

/** A running relay: ffmpeg reads `url`. */
export interface HttpRelay {
  readonly url: string;
  close(): Promise<void>;
}

/** How the relay reaches its source. */
export interface RelayOptions {
  /** Sent as `Authorization: Bearer ...` (the job token, to the launcher). */
  bearer?: string;
  /** The launcher's certificate, pinned (its served files); without it, https trusts the usual authorities. */
  certPem?: string;
}

/** Relays GET/HEAD (with Range) on a loopback URL to `source` (a URL that may hold a SAS in its query). */
export async function startHttpRelay(source: string, options: RelayOptions = {}): Promise<HttpRelay> {
  const target = new URL(source);
  const secure = target.protocol === 'https:';
  const agent: Agent | undefined = secure && options.certPem ? pinnedAgent(options.certPem) : undefined;
  // the extension helps ffmpeg name the format in its messages; the query (a SAS) stays here
  const secret = `/${randomBytes(16).toString('hex')}/input${extname(target.pathname).toLowerCase().replace(/[^.a-z0-9]/g, '')}`;
  const relay = (req: IncomingMessage, res: ServerResponse) => {
    if (req.url !== secret || (req.method !== 'GET' && req.method !== 'HEAD')) return void res.writeHead(404).end();
    const headers: Record<string, string> = {};
    if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
    if (req.headers.range) headers.range = req.headers.range;
    const upstream = (secure ? httpsRequest : httpRequest)(target, { method: req.method, headers, agent }, (answer) => {
      const back = Object.fromEntries(passedBack.filter((h) => answer.headers[h] !== undefined).map((h) => [h, String(answer.headers[h])]));
      res.writeHead(answer.statusCode ?? 502, back);
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    });
    // the source's own error text may quote its URL (and so a SAS): say only that it failed
    upstream.on('error', (e: NodeJS.ErrnoException) => (res.headersSent ? res.destroy() : res.writeHead(502, { 'content-type': 'text/plain' }).end(`source unreachable (${e.code ?? 'error'})\n`)));
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
