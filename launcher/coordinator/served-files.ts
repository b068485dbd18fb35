// Serves the job's input video and model to ranks on hosts that do not share the launcher's disk: named
// files only, over HTTP range requests (which ffmpeg's http protocol uses to seek), over TLS with the
// coordinator's certificate, and only to a caller that presents the job token as a bearer token. Ranks
// never hand these URLs to ffmpeg themselves: a relay on their own loopback adds the token
// (rank/input-relay.ts); the model they download themselves (rank/model-download.ts).
import { timingSafeEqual } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { extname } from 'node:path';

/** A byte range to send: [start, end] inclusive, or the whole file, or unsatisfiable. */
export type RangeAnswer = { kind: 'whole' } | { kind: 'part'; start: number; end: number } | { kind: 'unsatisfiable' };

/**
 * What to send for a Range header over a file of `size` bytes (RFC 9110 §14): one `bytes=` range, open-ended
 * or a suffix, is honoured; anything else (no header, several ranges, another unit) gets the whole file,
 * which the RFC allows; a range that starts past the end is unsatisfiable.
 */
export function answerRange(header: string | undefined, size: number): RangeAnswer {
  const m = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return { kind: 'whole' };
  if (m[1] === '') {
    const suffix = Number(m[2]);
    return suffix === 0 || size === 0 ? { kind: 'unsatisfiable' } : { kind: 'part', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return { kind: 'unsatisfiable' };
  return { kind: 'part', start, end };
}

/** The files being served: on which port, and how to stop. */
export interface ServedFiles {
  readonly port: number;
  close(): Promise<void>;
}

/** The URL path the job's input is served at: /input plus its extension, which helps ffmpeg name the format in its messages. */
export function inputUrlPath(input: string): string {
  return `/input${extname(input).toLowerCase().replace(/[^.a-z0-9]/g, '')}`;
}

/** Serves `files` (URL path -> file) on `host`:0 to bearers of `jobToken`; TLS when given a key and certificate. */
export async function serveFiles(files: Readonly<Record<string, string>>, jobToken: string, host: string, tls?: { keyPem: string; certPem: string }): Promise<ServedFiles> {
  const expected = Buffer.from(`Bearer ${jobToken}`);
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return plain(res, 401, 'the job token is missing or wrong');
    const file = Object.hasOwn(files, req.url ?? '') ? files[req.url!]! : undefined;
    if (!file) return plain(res, 404, 'no such file');
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'GET or HEAD only');
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      return plain(res, 404, 'the input is gone');
    }
    const range = answerRange(req.headers.range, size);
    if (range.kind === 'unsatisfiable') {
      res.writeHead(416, { 'Content-Range': `bytes */${size}` }).end();
      return;
    }
    const [start, end] = range.kind === 'part' ? [range.start, range.end] : [0, size - 1];
    res.writeHead(range.kind === 'part' ? 206 : 200, {
      'Accept-Ranges': 'bytes',
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(end - start + 1),
      ...(range.kind === 'part' ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
    });
    if (req.method === 'HEAD' || size === 0) return void res.end();
    const body = createReadStream(file, { start, end });
    body.on('error', () => res.destroy());
    res.on('close', () => body.destroy()); // ffmpeg drops a connection whenever it seeks
    body.pipe(res);
  };
  const server: Server = tls ? createHttpsServer({ key: tls.keyPem, cert: tls.certPem }, handler) : createHttpServer(handler);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function plain(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain' }).end(`${message}\n`);
}
