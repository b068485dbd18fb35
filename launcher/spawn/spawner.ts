// Starting and stopping rank processes, apart from any decision about when to do it.

/** How a rank process ended. */
export interface RankExit {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** A started rank process. */
export interface RankProcess {
  readonly rank: number;
  readonly host: string;
  readonly pid: number;
  /**
   * Set where the launcher cannot see the process end (an engine's process): `exited` then never
   * resolves, and the rank's stream is its only sign of life.
   */
  readonly remote?: boolean;
  /** Resolves when the process (and, for local ranks, its process group) has exited. */
  readonly exited: Promise<RankExit>;
  /** SIGTERM, then SIGKILL after graceMs; resolves once it is gone. */
  stop(graceMs: number): Promise<void>;
}

/** Starts ranks somewhere (this machine, a host over ssh, ...). */
export interface RankSpawner {
  /** `jobToken` must reach the rank out of band (see common/job-token.ts), never in `env` or an argv. */
  start(rank: number, host: string, env: Record<string, string>, jobToken: string): RankProcess;
  /**
   * Starts, ahead of the job, a process for each rank of `hosts` this spawner would start, so that Node, the
   * rank's code and onnxruntime load while the launcher still probes the input; start() then hands one its
   * rank, environment and token. `env` is what the job adds to every rank that must be there from exec (the
   * library path). Optional: without it, every rank starts in start().
   */
  prestart?(hosts: readonly string[], env: Record<string, string>): void;
  /**
   * Kills every process prestart() started that no start() took; settles once they are gone (their pipes closed),
   * so that nothing of theirs holds the launcher's event loop or outlives it.
   */
  discardPrestarted?(): Promise<void>;
}
