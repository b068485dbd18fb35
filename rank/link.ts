// The rank's end of the Attach stream: typed send, and one callback for each thing the coordinator says.
import * as grpc from '@grpc/grpc-js';
import { coordinatorClient, type CoordinatorClient } from '../common/coordinator-client.js';
import type { RankMessage } from '../proto/generated/stylerun/v1/RankMessage.js';
import type { CoordinatorMessage__Output } from '../proto/generated/stylerun/v1/CoordinatorMessage.js';

/** Handlers for the coordinator's messages and for the stream's end. */
export interface LinkHandlers {
  onMessage(msg: CoordinatorMessage__Output): void;
  /** The stream ended or broke; `error` is set unless the coordinator closed it cleanly. */
  onClose(error?: Error): void;
}

/** A live Attach stream to the coordinator. */
export class CoordinatorLink {
  private readonly client: CoordinatorClient;
  private readonly call: grpc.ClientDuplexStream<RankMessage, CoordinatorMessage__Output>;
  private closed = false;

  /** `coordinatorCert`: the coordinator's certificate (PEM), pinned; without it, plain TCP (loopback). */
  constructor(address: string, handlers: LinkHandlers, coordinatorCert?: string) {
    this.client = coordinatorClient(address, coordinatorCert);
    this.call = this.client.Attach();
    this.call.on('data', (msg: CoordinatorMessage__Output) => handlers.onMessage(msg));
    this.call.on('error', (e: Error) => this.finish(handlers, e));
    this.call.on('end', () => this.finish(handlers));
  }

  private finish(handlers: LinkHandlers, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    handlers.onClose(error);
  }

  send(msg: RankMessage): void {
    if (!this.closed) this.call.write(msg);
  }

  /** Half-closes our side and waits briefly for the messages to leave. */
  async close(): Promise<void> {
    if (!this.closed) this.call.end();
    await new Promise((r) => setTimeout(r, 50));
    this.client.close();
  }
}
