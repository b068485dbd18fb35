// Digests of what a job's chunks are made from (../job-store/job-sources.ts): cheap enough for every job's start.
// The input is not read whole (it may be many GB, or a blob): its size, its first and last MiB and its frame count
// tell one video from another, while a copy of it from elsewhere (another path, a fresh SAS) digests the same. Only
// what every probe reads alike goes in, so that a resume under another ffmpeg (with or without ffprobe) agrees.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { VideoInfo } from '../../common/ffmpeg/video-info.js';
import { externalDataLocations } from '../../models/onnx/external-data.js';

/** Bytes read from each end of the input. */
const sampleBytes = 1 << 20;

/** A digest of the input at `path` (a file, or an http(s) URL that takes Range requests, as the loopback relay does). */
export async function inputDigest(path: string, info: Pick<VideoInfo, 'width' | 'height' | 'pts'>): Promise<string> {
  const hash = createHash('sha256');
  // an input only ffmpeg can open (a protocol of its own) is told by its frames alone
  const ends = await (/^https?:\/\//i.test(path) ? urlEnds(path) : fileEnds(path)).catch(() => ({ size: -1, head: Buffer.alloc(0), tail: Buffer.alloc(0) }));
  hash.update(JSON.stringify([info.width, info.height, info.pts.length, ends.size]));
  hash.update(ends.head);
  hash.update(ends.tail);
  return hash.digest('hex');
}

/**
 * The model's sha256: `bytes` (its file, as the model check read it), then the name and bytes of each external data
 * file it names (a missing one as missing).
 */
export async function modelDigest(path: string, bytes: Uint8Array): Promise<string> {
  const hash = createHash('sha256').update(bytes);
  let locations: string[] = [];
  try {
    locations = externalDataLocations(bytes);
  } catch {
    // a wire type the reader does not know: the file's bytes alone identify the model
  }
  for (const location of locations) {
    hash.update(`\0${location}\0`);
    try {
      for await (const chunk of createReadStream(join(dirname(path), location))) hash.update(chunk as Buffer);
    } catch {
      hash.update('missing');
    }
  }
  return hash.digest('hex');
}

interface Ends {
  size: number;
  head: Buffer;
  tail: Buffer;
}

async function fileEnds(path: string): Promise<Ends> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const read = async (position: number) => {
      const buf = Buffer.alloc(Math.min(sampleBytes, size - position));
      const { bytesRead } = await file.read(buf, 0, buf.length, position);
      return buf.subarray(0, bytesRead);
    };
    return { size, head: await read(0), tail: await read(Math.max(0, size - sampleBytes)) };
  } finally {
    await file.close();
  }
}

async function urlEnds(url: string): Promise<Ends> {
  const first = await fetchRange(url, 0, sampleBytes - 1);
  // "bytes 0-1048575/123456789": the total; a server that ignores Range sends the whole body, its length the size
  const total = Number(/\/(\d+)$/.exec(first.headers.get('content-range') ?? '')?.[1] ?? first.headers.get('content-length') ?? NaN);
  const head = await firstBytes(first);
  if (!Number.isFinite(total) || total <= sampleBytes) return { size: Number.isFinite(total) ? total : head.length, head, tail: Buffer.alloc(0) };
  const last = await fetchRange(url, total - sampleBytes, total - 1);
  return { size: total, head, tail: await firstBytes(last) };
}

async function fetchRange(url: string, from: number, to: number): Promise<Response> {
  const res = await fetch(url, { headers: { range: `bytes=${from}-${to}` } });
  // the URL may hold a SAS: the error names the status only
  if (!res.ok) throw new Error(`reading the input's bytes ${from}-${to} failed: HTTP ${res.status}`);
  return res;
}

/** The body's first `sampleBytes` (all of a 206's), the rest of a whole body not read. */
async function firstBytes(res: Response): Promise<Buffer> {
  const parts: Buffer[] = [];
  let length = 0;
  const reader = res.body!.getReader();
  try {
    while (length < sampleBytes) {
      const { done, value } = await reader.read();
      if (done) break;
      parts.push(Buffer.from(value));
      length += value.length;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(parts).subarray(0, sampleBytes);
}
