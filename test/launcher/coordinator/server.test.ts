import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { channelOptions, stylerunProto } from '../../../common/proto.js';
import { CoordinatorServer, type ServerEvent } from '../../../launcher/coordinator/server.js';
import type { CoordinatorMessage__Output } from '../../../proto/generated/stylerun/v1/CoordinatorMessage.js';
import type { Join } from '../../../proto/generated/stylerun/v1/Join.js';
import type { RankMessage } from '../../../proto/generated/stylerun/v1/RankMessage.js';
import type { StatusReply, StatusReply__Output } from '../../../proto/generated/stylerun/v1/StatusReply.js';

type Client = InstanceType<ReturnType<typeof stylerunProto>['Coordinator']>;
type AttachCall = grpc.ClientDuplexStream<RankMessage, CoordinatorMessage__Output>;

const jobToken = 'a3f1c0de'.repeat(6);
/** How long a refused client waits for the server's status before giving up. */
const refusalDeadlineMs = 1_500;
const snapshot: StatusReply = {
  job_id: 'c0ffee01',
  job_state: 'styling',
  state: 'running',
  attempt: 2,
  total_frames: 823,
  committed_frames: 412,
  ranks: [{ rank: 0, state: 'working', host: 'localhost', pid: 4242, frames_done: 100, execution_provider: 'cpu', last_heartbeat_ms_ago: 350 }],
};

function join(overrides: Partial<Join> = {}): Join {
  return { rank: 1, world_size: 4, attempt: 2, host: 'node-b', pid: 1234, device: 'cpu', job_token: jobToken, ...overrides };
}

/** Every event the server reports, and a way to wait for the next one of a kind. */
class EventLog {
  readonly events: ServerEvent[] = [];
  private readonly taken = new Set<ServerEvent>();
  private waiters: { kind: ServerEvent['kind']; resolve: (e: ServerEvent) => void }[] = [];

  push(e: ServerEvent): void {
    this.events.push(e);
    // each event goes to one waiter, oldest first; an event nobody waits for is kept for a later next()
    const waiter = this.waiters.find((w) => w.kind === e.kind);
    if (waiter) {
      this.waiters = this.waiters.filter((w) => w !== waiter);
      waiter.resolve(e);
    }
  }

  next<K extends ServerEvent['kind']>(kind: K): Promise<Extract<ServerEvent, { kind: K }>> {
    const seen = this.events.find((e) => e.kind === kind && !this.taken.has(e));
    if (seen) {
      this.taken.add(seen);
      return Promise.resolve(seen as Extract<ServerEvent, { kind: K }>);
    }
    return new Promise((resolve) =>
      this.waiters.push({
        kind,
        resolve: (e) => {
          this.taken.add(e);
          resolve(e as Extract<ServerEvent, { kind: K }>);
        },
      }),
    );
  }
}

/** Resolves with the status the call ends with (an error's code, or OK). */
function finalStatus(call: AttachCall): Promise<grpc.StatusObject> {
  return new Promise((resolve) => call.on('status', resolve));
}

function firstMessage(call: AttachCall): Promise<CoordinatorMessage__Output> {
  return new Promise((resolve) => call.once('data', resolve));
}

describe('CoordinatorServer', () => {
  let server: CoordinatorServer;
  let events: EventLog;
  let address: string;
  const clients: Client[] = [];

  beforeEach(async () => {
    server = new CoordinatorServer(jobToken, () => snapshot);
    events = new EventLog();
    server.onEvent((e) => events.push(e));
    const port = await server.listen('127.0.0.1', 0);
    address = `127.0.0.1:${port}`;
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await server.close();
  });

  /** Opens an Attach stream on a client of its own; `deadlineMs` bounds a call the server may leave hanging. */
  function attach(deadlineMs?: number): AttachCall {
    const { Coordinator } = stylerunProto();
    const client = new Coordinator(address, grpc.credentials.createInsecure(), channelOptions);
    clients.push(client);
    const call = client.Attach(deadlineMs === undefined ? {} : { deadline: Date.now() + deadlineMs });
    call.on('error', () => {}); // each test reads the outcome from 'status'
    return call;
  }

  it('listens on a free port when asked for port 0', () => {
    expect(Number(address.split(':')[1])).toBeGreaterThan(0);
  });

  it('reports a join with its rank when a client joins with the job token, and can welcome it', async () => {
    const call = attach();
    const welcomed = firstMessage(call);
    call.write({ join: join({ rank: 3, attempt: 2 }) });

    const e = await events.next('join');
    expect(e.join).toMatchObject({ rank: 3, world_size: 4, attempt: 2, host: 'node-b', pid: 1234, device: 'cpu' });
    expect(e.stream.rank).toBe(3);
    expect(e.stream.attempt).toBe(2);

    e.stream.send({ welcome: { job_id: 'c0ffee01', model_path: '/models/candy.onnx', batch_size: 4, heartbeat_interval_ms: 1000 } });
    const msg = await welcomed;
    expect(msg.kind).toBe('welcome');
    expect(msg.welcome).toMatchObject({ job_id: 'c0ffee01', model_path: '/models/candy.onnx', batch_size: 4, heartbeat_interval_ms: 1000 });
  });

  it('reports the messages a joined rank sends after its join', async () => {
    const call = attach();
    call.write({ join: join({ rank: 0 }) });
    await events.next('join');
    call.write({ ready: { execution_provider: 'cpu', load_ms: 12.5 } });
    call.write({ heartbeat: { frames_done: 17 } });
    const ready = await events.next('message');
    const heartbeat = await events.next('message');
    expect(ready.stream.rank).toBe(0);
    expect(ready.msg.kind).toBe('ready');
    expect(ready.msg.ready).toMatchObject({ execution_provider: 'cpu', load_ms: 12.5 });
    expect(heartbeat.msg.kind).toBe('heartbeat');
    expect(heartbeat.msg.heartbeat?.frames_done).toBe(17);
  });

  // The server refuses with a status (not by destroying the stream), so a refused rank learns why at once.
  it('ends a client with a wrong job token with PERMISSION_DENIED', async () => {
    const call = attach(refusalDeadlineMs);
    const status = finalStatus(call);
    call.write({ join: join({ job_token: 'not-the-token' }) });
    expect((await status).code).toBe(grpc.status.PERMISSION_DENIED);
  });

  it('ends a client whose first message is not a join with FAILED_PRECONDITION', async () => {
    const call = attach(refusalDeadlineMs);
    const status = finalStatus(call);
    call.write({ heartbeat: { frames_done: 1 } });
    expect((await status).code).toBe(grpc.status.FAILED_PRECONDITION);
  });

  it('reports no join for a wrong job token, nor for a prefix of the right one', async () => {
    const wrong = attach(refusalDeadlineMs);
    const prefix = attach(refusalDeadlineMs);
    const ended = Promise.all([finalStatus(wrong), finalStatus(prefix)]);
    wrong.write({ join: join({ job_token: 'not-the-token' }) });
    prefix.write({ join: join({ job_token: jobToken.slice(0, -1) }) });
    const codes = (await ended).map((s) => s.code);
    expect(codes).not.toContain(grpc.status.OK);
    expect(events.events).toEqual([]);
  });

  it('reports nothing for a client whose first message is not a join', async () => {
    const call = attach(refusalDeadlineMs);
    const status = finalStatus(call);
    call.write({ heartbeat: { frames_done: 1 } });
    expect((await status).code).not.toBe(grpc.status.OK);
    expect(events.events).toEqual([]);
  });

  it('reports a closed stream when a joined client cancels', async () => {
    const call = attach();
    call.write({ join: join({ rank: 2 }) });
    await events.next('join');
    call.cancel();
    const closed = await events.next('closed');
    expect(closed.stream.rank).toBe(2);
  });

  it('reports a closed stream without an error when a joined client half-closes cleanly', async () => {
    const call = attach();
    const status = finalStatus(call);
    call.write({ join: join({ rank: 1 }) });
    await events.next('join');
    call.end();
    const closed = await events.next('closed');
    expect(closed.stream.rank).toBe(1);
    expect(closed.error).toBeUndefined();
    expect((await status).code).toBe(grpc.status.OK);
  });

  it('ends every open stream with OK when the server closes', async () => {
    const call = attach();
    const status = finalStatus(call);
    call.write({ join: join() });
    await events.next('join');
    await server.close();
    expect((await status).code).toBe(grpc.status.OK);
  });

  function status(request: { job_token?: string }): Promise<StatusReply__Output> {
    const { Coordinator } = stylerunProto();
    const client = new Coordinator(address, grpc.credentials.createInsecure(), channelOptions);
    clients.push(client);
    return new Promise<StatusReply__Output>((resolve, reject) =>
      client.Status(request, { deadline: Date.now() + 5_000 }, (err, r) => (err || !r ? reject(err) : resolve(r))),
    );
  }

  it('answers the Status call with the snapshot it is given, to a caller with the job token', async () => {
    expect(await status({ job_token: jobToken })).toEqual({ ...snapshot, ranks: [{ ...snapshot.ranks![0] }] });
  });

  it('refuses a Status call without the job token, or with a wrong one, with PERMISSION_DENIED', async () => {
    await expect(status({})).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED, details: 'wrong job token' });
    await expect(status({ job_token: `${jobToken}x` })).rejects.toMatchObject({ code: grpc.status.PERMISSION_DENIED });
  });

  it('refuses a rank message over 1 MiB rather than buffering it', async () => {
    const call = attach();
    const status = finalStatus(call);
    call.write({ join: { rank: 0, world_size: 1, attempt: 1, host: 'h', pid: 1, device: 'cpu', job_token: 'x'.repeat(2 * 1024 * 1024) } });
    expect((await status).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
  });
});
