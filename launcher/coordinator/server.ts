// The gRPC side of the coordinator: accepts Attach streams, checks the job token, and turns the wire
// into events for whoever runs the attempt. It decides nothing.
import * as grpc from '@grpc/grpc-js';
import { timingSafeEqual } from 'node:crypto';
import { serverOptions, stylerunProto } from '../../common/proto.js';
import type { CoordinatorMessage } from '../../proto/generated/stylerun/v1/CoordinatorMessage.js';
import type { Join__Output } from '../../proto/generated/stylerun/v1/Join.js';
import type { RankMessage__Output } from '../../proto/generated/stylerun/v1/RankMessage.js';
import type { ChunkPiece__Output } from '../../proto/generated/stylerun/v1/ChunkPiece.js';
import type { ChunkStored } from '../../proto/generated/stylerun/v1/ChunkStored.js';
import type { StatusReply } from '../../proto/generated/stylerun/v1/StatusReply.js';
import type { ChunkUrlReply } from '../../proto/generated/stylerun/v1/ChunkUrlReply.js';
import type { ChunkUrlRequest__Output } from '../../proto/generated/stylerun/v1/ChunkUrlRequest.js';
import { parseChunkKey } from '../../common/storage/chunk-key.js';
import type { StatusRequest__Output } from '../../proto/generated/stylerun/v1/StatusRequest.js';

/** What the server reports to the attempt. */
export type ServerEvent =
  | { kind: 'join'; join: Join__Output; stream: RankStream }
  | { kind: 'message'; stream: RankStream; msg: RankMessage__Output }
  | { kind: 'closed'; stream: RankStream; error?: Error };

/** One rank's open Attach stream. */
export interface RankStream {
  readonly rank: number;
  readonly attempt: number;
  send(msg: CoordinatorMessage): void;
  end(): void;
}

type Call = grpc.ServerDuplexStream<RankMessage__Output, CoordinatorMessage>;
type UploadCall = grpc.ServerReadableStream<ChunkPiece__Output, ChunkStored>;

/** Stores one uploaded chunk (launcher/coordinator/chunk-receiver.ts); rejects with ChunkUploadError for the sender's mistakes. */
export type ChunkReceiver = (header: { rank: number; key: string; sha256: string; size: number }, pieces: AsyncIterable<Uint8Array>) => Promise<void>;

/** Makes a URL with a SAS for one chunk's blob (common/storage/blob-chunk-store.ts); a secret, never logged. */
export type ChunkUrlMaker = (key: string) => Promise<string>;

/** The coordinator's gRPC server on a port of its own. */
export class CoordinatorServer {
  private readonly server = new grpc.Server(serverOptions);
  private listener: (e: ServerEvent) => void = () => {};
  private readonly calls = new Set<Call>();

  constructor(
    private readonly jobToken: string,
    private readonly status: () => StatusReply,
    /** Where PutChunk's chunks go; without it the call is refused (every rank shares the launcher's disk). */
    private readonly receiveChunk?: ChunkReceiver,
    /** Where ChunkWriteUrl's URLs come from; without it the call is refused (the job's chunks are not in Blob storage). */
    private readonly chunkWriteUrl?: ChunkUrlMaker,
  ) {
    const { Coordinator } = stylerunProto();
    this.server.addService(Coordinator.service, {
      Attach: (call: Call) => this.attach(call),
      Status: (call: grpc.ServerUnaryCall<StatusRequest__Output, StatusReply>, cb: grpc.sendUnaryData<StatusReply>) => {
        // the job's state is the job's business: the caller proves it is the job's, as a rank does
        if (!this.tokenMatches(call.request.job_token ?? '')) cb({ code: grpc.status.PERMISSION_DENIED, details: 'wrong job token' });
        else cb(null, this.status());
      },
      ChunkWriteUrl: (call: grpc.ServerUnaryCall<ChunkUrlRequest__Output, ChunkUrlReply>, cb: grpc.sendUnaryData<ChunkUrlReply>) => {
        const { job_token, key } = call.request;
        if (!this.chunkWriteUrl) cb({ code: grpc.status.UNIMPLEMENTED, details: 'this job keeps no chunks in Blob storage' });
        else if (!this.tokenMatches(job_token ?? '')) cb({ code: grpc.status.PERMISSION_DENIED, details: 'wrong job token' });
        // only a chunk's name: a SAS for anything else under the prefix (job.json, the journal) is never made
        else if (!parseChunkKey(key ?? '')) cb({ code: grpc.status.INVALID_ARGUMENT, details: `"${(key ?? '').slice(0, 80)}" is not a chunk key` });
        else this.chunkWriteUrl(key).then((url) => cb(null, { url }), (e: Error) => cb({ code: grpc.status.UNAVAILABLE, details: `no SAS could be made: ${e.name}` }));
      },
      PutChunk: (call: UploadCall, cb: grpc.sendUnaryData<ChunkStored>) => {
        this.putChunk(call).then(
          () => cb(null, {}),
          (e: Error & { code?: grpc.status; refusal?: string }) => {
            const code = e.code ?? (e.refusal === 'mismatch' ? grpc.status.DATA_LOSS : e.refusal ? grpc.status.INVALID_ARGUMENT : grpc.status.INTERNAL);
            cb({ code, details: e.message });
          },
        );
      },
    });
  }

  /** Starts listening; port 0 picks a free port. Resolves with the port. Plain TCP unless given TLS credentials. */
  listen(host: string, port = 0, credentials = grpc.ServerCredentials.createInsecure()): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound)));
    });
  }

  onEvent(listener: (e: ServerEvent) => void): void {
    this.listener = listener;
  }

  private attach(call: Call): void {
    this.calls.add(call);
    let stream: RankStream | undefined;
    call.on('data', (msg: RankMessage__Output) => {
      if (!stream) {
        if (msg.kind !== 'join' || !msg.join) {
          refuse(call, grpc.status.FAILED_PRECONDITION, 'first message must be join');
          return;
        }
        if (!this.tokenMatches(msg.join.job_token)) {
          refuse(call, grpc.status.PERMISSION_DENIED, 'wrong job token');
          return;
        }
        stream = {
          rank: msg.join.rank,
          attempt: msg.join.attempt,
          send: (m) => {
            if (!call.writableEnded && !call.destroyed) call.write(m);
          },
          end: () => {
            if (!call.writableEnded) call.end();
          },
        };
        this.listener({ kind: 'join', join: msg.join, stream });
        return;
      }
      this.listener({ kind: 'message', stream, msg });
    });
    let closed = false;
    const close = (error?: Error) => {
      if (closed) return;
      closed = true;
      this.calls.delete(call);
      if (stream) this.listener({ kind: 'closed', stream, error });
    };
    call.on('end', () => {
      close();
      if (!call.writableEnded) call.end();
    });
    call.on('error', (e: Error) => close(e));
    call.on('cancelled', () => close(new Error('stream cancelled')));
    call.on('close', () => close());
  }

  // The first piece is the header and proves the caller is the job's; the rest are the chunk's bytes.
  private async putChunk(call: UploadCall): Promise<void> {
    const fail = (code: grpc.status, details: string) => Object.assign(new Error(details), { code });
    if (!this.receiveChunk) throw fail(grpc.status.UNIMPLEMENTED, 'this job takes no uploaded chunks');
    const pieces = (call as AsyncIterable<ChunkPiece__Output>)[Symbol.asyncIterator]();
    const first = await pieces.next();
    const header = first.done ? undefined : first.value.header;
    if (!header) throw fail(grpc.status.FAILED_PRECONDITION, 'first piece must be the header');
    if (!this.tokenMatches(header.job_token)) throw fail(grpc.status.PERMISSION_DENIED, 'wrong job token');
    async function* data(): AsyncGenerator<Uint8Array> {
      for (let next = await pieces.next(); !next.done; next = await pieces.next()) {
        if (next.value.kind !== 'data') throw fail(grpc.status.FAILED_PRECONDITION, 'only one header per chunk');
        yield next.value.data!;
      }
    }
    await this.receiveChunk({ rank: header.rank, key: header.key, sha256: header.sha256, size: Number(header.size) }, data());
  }

  private tokenMatches(given: string): boolean {
    const a = Buffer.from(given);
    const b = Buffer.from(this.jobToken);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /**
   * Stops accepting and closes every stream: gracefully for a short while, then by force. A rank whose host
   * was cut off never answers the end of its stream, and a graceful shutdown alone would wait for it forever.
   */
  async close(graceMs = 2_000): Promise<void> {
    for (const call of this.calls) call.end();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => this.server.tryShutdown(() => resolve())),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs))),
    ]);
    clearTimeout(timer);
    this.server.forceShutdown();
  }
}

/** Ends a stream with a status the client sees (grpc-js sends no status for a destroyed stream). */
function refuse(call: Call, code: grpc.status, details: string): void {
  call.emit('error', Object.assign(new Error(details), { code, details }));
}
