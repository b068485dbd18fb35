// A client of the coordinator's gRPC service, as ranks and `stylerun status` reach it: TLS pinned to the
// coordinator's certificate where the job uses TLS, plain TCP on loopback otherwise.
import * as grpc from '@grpc/grpc-js';
import { channelOptions, stylerunProto } from './proto.js';
import { pinnedCredentials } from './tls.js';

/** A client of the coordinator's service. */
export type CoordinatorClient = InstanceType<ReturnType<typeof stylerunProto>['Coordinator']>;

/** A client for `address`: TLS pinned to `coordinatorCert` (PEM) when given, else plain TCP (loopback). */
export function coordinatorClient(address: string, coordinatorCert?: string): CoordinatorClient {
  const { Coordinator } = stylerunProto();
  const tls = coordinatorCert ? pinnedCredentials(coordinatorCert) : undefined;
  return new Coordinator(address, tls?.credentials ?? grpc.credentials.createInsecure(), { ...channelOptions, ...tls?.options });
}
