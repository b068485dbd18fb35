// Ranks without processes, for driving an Attempt in a unit test: a spawner that hands out fake processes
// (their `exited` resolves when a test says so, or after stop()) and, for each rank, a script that speaks
// to the coordinator over a real gRPC client, as a rank would.
import * as grpc from '@grpc/grpc-js';
import { combinedChecksum } from '../../common/checksums.js';
import { channelOptions, stylerunProto } from '../../common/proto.js';
import type { RankExit, RankProcess, RankSpawner } from '../../launcher/spawn/spawner.js';
import type { CoordinatorMessage__Output } from '../../proto/generated/stylerun/v1/CoordinatorMessage.js';
import type { RankMessage } from '../../proto/generated/stylerun/v1/RankMessage.js';

type Client = InstanceType<ReturnType<typeof stylerunProto>['Coordinator']>;
type AttachCall = grpc.ClientDuplexStream<RankMessage, CoordinatorMessage__Output>;
type CoordinatorKind = NonNullable<CoordinatorMessage__Output['kind']>;

/** A started rank with no process behind it. */
export class FakeProcess implements RankProcess {
  readonly pid: number;
  readonly exited: Promise<RankExit>;
  /** The grace periods stop() was called with, one per call. */
  readonly stops: number[] = [];
  private resolveExit: (e: RankExit) => void = () => {};
  private ended = false;
  private readonly onExit: (() => void)[] = [];

  constructor(
    readonly rank: number,
    readonly host: string,
    private readonly stopDelayMs = 10,
  ) {
    this.pid = 4000 + rank;
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
  }

  /** Ends the process now, as a crash or a clean exit would. */
  exit(exitCode: number | null, signal: NodeJS.Signals | null = null): void {
    if (this.ended) return;
    this.ended = true;
    for (const f of this.onExit) f();
    this.resolveExit({ exitCode, signal });
  }

  /** Runs `f` when the process ends (a rank's stream dies with its process). */
  whenExited(f: () => void): void {
    this.onExit.push(f);
  }

  // A real process takes a moment to die after SIGTERM (by default 10 ms here); an ssh client that is still
  // connecting dies at once (stopDelayMs 0), within the millisecond of the failure that caused the stop.
  async stop(graceMs: number): Promise<void> {
    this.stops.push(graceMs);
    if (!this.ended && this.stopDelayMs === 0) this.exit(null, 'SIGTERM');
    else if (!this.ended) setTimeout(() => this.exit(null, 'SIGTERM'), this.stopDelayMs);
    await this.exited;
  }
}

/** One rank's side of the Attach stream. */
export class FakeRankClient {
  /** Every message the coordinator sent, in order. */
  readonly received: CoordinatorMessage__Output[] = [];
  private readonly client: Client;
  private readonly call: AttachCall;
  private readonly chunkSha256s: string[] = [];
  private waiters: { kind: CoordinatorKind; resolve: (m: CoordinatorMessage__Output) => void }[] = [];

  constructor(
    address: string,
    private readonly rank: number,
    private readonly attempt: number,
    private readonly worldSize: number,
    private readonly jobToken: string,
  ) {
    const { Coordinator } = stylerunProto();
    this.client = new Coordinator(address, grpc.credentials.createInsecure(), channelOptions);
    this.call = this.client.Attach({});
    this.call.on('error', () => {}); // a cancelled stream is how a fake rank dies
    this.call.on('data', (m: CoordinatorMessage__Output) => {
      this.received.push(m);
      const w = this.waiters.find((x) => x.kind === m.kind);
      if (w) {
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(m);
      }
    });
  }

  /** Resolves with the first message of `kind` the coordinator sends (or already sent). */
  next(kind: CoordinatorKind): Promise<CoordinatorMessage__Output> {
    const seen = this.received.find((m) => m.kind === kind);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ kind, resolve }));
  }

  send(msg: RankMessage): void {
    if (!this.call.writableEnded) this.call.write(msg);
  }

  /** Joins with the world size the rank was started with, or another one. */
  join(worldSize = this.worldSize): void {
    this.send({ join: { rank: this.rank, world_size: worldSize, attempt: this.attempt, host: `fake-${this.rank}`, pid: 4000 + this.rank, device: 'cpu', job_token: this.jobToken } });
  }

  /** Commits one chunk of `count` frames from `start`. */
  commit(start: number, count: number): void {
    const sha256 = `${this.rank}-${start}`.padEnd(64, '0');
    this.chunkSha256s.push(sha256);
    this.send({ chunk_committed: { start, count, name: `c-${String(start).padStart(6, '0')}`, sha256 } });
  }

  /** Reports done for every chunk committed so far. */
  done(frames: number): void {
    this.send({ done: { frames, checksum: combinedChecksum(this.chunkSha256s), decode_ms: 1, inference_ms: 2, encode_ms: 3, wall_ms: 7 } });
  }

  /** Half-closes the stream, as a rank that finished does. */
  end(): void {
    this.call.end();
  }

  /** Drops the stream, as a rank that dies does. */
  cancel(): void {
    this.call.cancel();
    this.client.close();
  }

  close(): void {
    this.client.close();
  }
}

/** A rank as a test scripts it: its process and its stream. */
export interface FakeRank {
  rank: number;
  process: FakeProcess;
  client: FakeRankClient;
}

/** What a fake rank does once started; resolves when it has nothing more to do. */
export type RankScript = (r: FakeRank) => Promise<void>;

/**
 * Starts fake ranks that run `scripts[rank]` (a rank without a script starts and never connects). Like a real
 * rank, each learns where the coordinator is, its attempt and the world size from the environment it is given.
 */
export class FakeSpawner implements RankSpawner {
  readonly processes: FakeProcess[] = [];
  readonly clients: FakeRankClient[] = [];

  /** stopDelayMs: how long a stopped process takes to die (see FakeProcess.stop). */
  constructor(
    private readonly scripts: (RankScript | undefined)[],
    private readonly stopDelayMs?: number,
  ) {}

  start(rank: number, host: string, env: Record<string, string>, jobToken: string): FakeProcess {
    const proc = new FakeProcess(rank, host, this.stopDelayMs);
    this.processes[rank] = proc;
    const script = this.scripts[rank];
    if (script) {
      const client = new FakeRankClient(env.STYLERUN_COORDINATOR!, rank, Number(env.STYLERUN_ATTEMPT), Number(env.STYLERUN_WORLD_SIZE), jobToken);
      this.clients[rank] = client;
      proc.whenExited(() => client.cancel());
      void script({ rank, process: proc, client });
    }
    return proc;
  }

  close(): void {
    for (const c of this.clients) c?.close();
  }
}
