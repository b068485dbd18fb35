// The spawner of a job that an engine started (mpirun, torchrun, ...): rank 0's own rank is a child of this
// process, as usual; every other rank's process belongs to the engine, so its start order goes into the job
// folder (job-store/start-orders.ts) for that process to act on (spawn/engine-member.ts).
import { publishStartOrder } from '../job-store/start-orders.js';
import type { RankExit, RankProcess, RankSpawner } from './spawner.js';

export class EngineSpawner implements RankSpawner {
  constructor(private readonly local: RankSpawner, private readonly jobDir: string) {}

  start(rank: number, host: string, env: Record<string, string>, jobToken: string): RankProcess {
    if (rank === 0) return this.local.start(rank, host, env, jobToken);
    publishStartOrder(this.jobDir, { rank, env, jobToken });
    // the engine's process is not ours to see or stop: the rank's stream is its only sign of life, and an
    // abort on it is how it is stopped
    return { rank, host, pid: -1, remote: true, exited: new Promise<RankExit>(() => {}), stop: async () => {} };
  }

  /** Only rank 0's process is this one's to start ahead; the engine's other processes start their own. */
  prestart(hosts: readonly string[], env: Record<string, string>): void {
    this.local.prestart?.(hosts.slice(0, 1), env);
  }

  async discardPrestarted(): Promise<void> {
    await this.local.discardPrestarted?.();
  }
}
