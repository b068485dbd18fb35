// The control-plane contract, with the SAME conversion options the committed types were generated with
// (package.json "gen:proto"), so the objects on the wire match proto/generated/ exactly.
//
// The service definition is made here, as @grpc/proto-loader makes it, less what only server reflection uses,
// from static coders that protobufjs's generator wrote at "gen:proto" (proto/generated/coders.js) and the
// method table written with them. Loading proto-loader took 20-40 ms of CPU in every process, and protobufjs's
// reflection, parsing the .proto and generating its coders, about 30 ms more; static code comes compiled from
// the bundle's code cache instead. Every process pays this at start, ranks included, and they all start at
// once on a job's launch (BENCHMARKS.md, "Launch to barrier"). proto-loader stays the generator of the types,
// and test/common/proto.test.ts holds the result against it.
import * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import { stylerun, type MessageCoder } from '../proto/generated/coders.js';
import { coordinatorMethods } from '../proto/generated/coordinator-methods.js';
import type { ProtoGrpcType } from '../proto/generated/stylerun.js';

/** The contract's source, which the generated code was made from (tests and tools read it). */
export const protoPath = fileURLToPath(new URL('../proto/stylerun.proto', import.meta.url));

/** The conversion options of "gen:proto": longs Number, enums String, defaults, oneofs (and keepCase in the coders). */
export const conversionOptions = { longs: Number, enums: String, defaults: true, oneofs: true } satisfies protobuf.IConversionOptions;

type Stylerun = Pick<ProtoGrpcType['stylerun']['v1'], 'Coordinator'>;
let loaded: Stylerun | undefined;

/** The static coders of message `name` in stylerun.v1. */
export function messageCoder(name: string): MessageCoder {
  const coder = stylerun.v1[name];
  if (!coder) throw new Error(`no coder for stylerun.v1.${name}: run npm run gen:proto`);
  return coder;
}

/** The Coordinator's gRPC service definition: paths, stream kinds, and (de)serializers through the static coders. */
export function serviceDefinition(): grpc.ServiceDefinition {
  const serializer = (name: string) => {
    const type = messageCoder(name);
    return (value: object) => {
      if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${name} structure, got array instead`);
      return Buffer.from(type.encode(type.fromObject(value)).finish());
    };
  };
  const deserializer = (name: string) => {
    const type = messageCoder(name);
    return (bytes: Buffer) => type.toObject(type.decode(bytes), conversionOptions);
  };
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const m of coordinatorMethods) {
    definition[m.name] = {
      path: m.path,
      requestStream: m.requestStream,
      responseStream: m.responseStream,
      requestSerialize: serializer(m.requestType),
      requestDeserialize: deserializer(m.requestType),
      responseSerialize: serializer(m.responseType),
      responseDeserialize: deserializer(m.responseType),
      originalName: m.name.charAt(0).toLowerCase() + m.name.slice(1), // the client's lower-case alias, as proto-loader names it
    };
  }
  return definition;
}

/** The stylerun.v1 package's service constructor. */
export function stylerunProto(): Stylerun {
  loaded ??= { Coordinator: grpc.makeGenericClientConstructor(serviceDefinition(), 'Coordinator') as unknown as Stylerun['Coordinator'] };
  return loaded;
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
