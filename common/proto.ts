// Loads the control-plane contract with the SAME options the committed types were generated with
// (package.json "gen:proto"), so the objects on the wire match proto/generated/ exactly.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from '../proto/generated/stylerun.js';

export const protoPath = fileURLToPath(new URL('../proto/stylerun.proto', import.meta.url));

export const loaderOptions: protoLoader.Options = { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true };

let loaded: ProtoGrpcType | undefined;

/** The stylerun.v1 package: service constructors and message types. */
export function stylerunProto(): ProtoGrpcType['stylerun']['v1'] {
  loaded ??= grpc.loadPackageDefinition(protoLoader.loadSync(protoPath, loaderOptions)) as unknown as ProtoGrpcType;
  return loaded.stylerun.v1;
}

/**
 * Keepalive for the long-lived Attach stream: HTTP/2 pings every 10 s detect a dead peer on a network
 * that drops packets silently (the socket would otherwise look open for minutes); heartbeats in the
 * stream itself catch a process that hangs with its socket healthy.
 */
export const channelOptions: grpc.ChannelOptions = {
  // a rank receives its Assignment, which lists every frame's timestamp of its range: 64 MiB holds a
  // range of millions of frames; anything larger is refused, not buffered
  'grpc.max_receive_message_length': 64 * 1024 * 1024,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.http2.max_pings_without_data': 0,
};

/** Server side must allow the clients' ping rate, or it answers with GOAWAY "too_many_pings". */
export const serverOptions: grpc.ServerOptions = {
  // the coordinator receives only small messages from ranks (join, progress, chunk reports): 1 MiB bounds them
  'grpc.max_receive_message_length': 1024 * 1024,
  'grpc.keepalive_time_ms': 10_000,
  'grpc.keepalive_timeout_ms': 5_000,
  'grpc.http2.min_ping_interval_without_data_ms': 5_000,
  'grpc.keepalive_permit_without_calls': 1,
};
