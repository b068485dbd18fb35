// Loads the control-plane contract with the SAME options the committed types were generated with
// (package.json "gen:proto"), so the objects on the wire match proto/generated/ exactly.
//
// The service definition is made here from protobufjs's reflection, as @grpc/proto-loader makes it, less what
// only server reflection uses (each message's descriptor, the encoded file descriptors): proto-loader's import
// and its descriptors took 20-40 ms of CPU in every process, ranks included, which all start at once on a
// job's launch (BENCHMARKS.md, "Launch to barrier"). proto-loader stays the generator of the types.
import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { ProtoGrpcType } from '../proto/generated/stylerun.js';

export const protoPath = fileURLToPath(new URL('../proto/stylerun.proto', import.meta.url));

/** The parse option and the conversion options of "gen:proto": keepCase, longs Number, enums String, defaults, oneofs. */
export const loaderOptions = { keepCase: true, toObject: { longs: Number, enums: String, defaults: true, oneofs: true } satisfies protobuf.IConversionOptions };

type Stylerun = Pick<ProtoGrpcType['stylerun']['v1'], 'Coordinator'>;
let loaded: Stylerun | undefined;

/** A gRPC service definition of `service`: paths, stream kinds, and (de)serializers through its message types. */
export function serviceDefinition(service: protobuf.Service, options: protobuf.IConversionOptions): grpc.ServiceDefinition {
  const serializer = (type: protobuf.Type) => (value: object) => {
    if (Array.isArray(value)) throw new Error(`Failed to serialize message: expected object with ${type.name} structure, got array instead`);
    return Buffer.from(type.encode(type.fromObject(value)).finish());
  };
  const deserializer = (type: protobuf.Type) => (bytes: Buffer) => type.toObject(type.decode(bytes), options);
  const definition: Record<string, grpc.MethodDefinition<object, object>> = {};
  for (const method of service.methodsArray) {
    const request = method.resolvedRequestType!; // resolved: the root was resolved before
    const response = method.resolvedResponseType!;
    definition[method.name] = {
      path: `/${service.fullName.slice(1)}/${method.name}`,
      requestStream: Boolean(method.requestStream),
      responseStream: Boolean(method.responseStream),
      requestSerialize: serializer(request),
      requestDeserialize: deserializer(request),
      responseSerialize: serializer(response),
      responseDeserialize: deserializer(response),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1), // the client's lower-case alias, as proto-loader names it
    };
  }
  return definition;
}

/** The stylerun.v1 package's service constructor. */
export function stylerunProto(): Stylerun {
  if (!loaded) {
    const root = new protobuf.Root().loadSync(protoPath, { keepCase: loaderOptions.keepCase }).resolveAll();
    const coordinator = root.lookupService('stylerun.v1.Coordinator');
    loaded = { Coordinator: grpc.makeGenericClientConstructor(serviceDefinition(coordinator, loaderOptions.toObject), 'Coordinator') as unknown as Stylerun['Coordinator'] };
  }
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
