// The engine's process of a rank other than 0 (mpirun, torchrun, ... started it): it waits for rank 0's
// start order in the job folder, starts the rank as its own child, and ends as the rank ends.
import { connect } from 'node:net';
import { hostname } from 'node:os';
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import type { Logger } from '../../common/log.js';
import { existsSync } from 'node:fs';
import { consumeStartOrder, readStartOrder, type StartOrder } from '../job-store/start-orders.js';
import type { RankSpawner } from './spawner.js';

// short: every process of the engine waits here while the ranks start, and each 50 ms costs one small file read
const pollMs = 50;

/** Whether something listens at "host:port" (an order left by an earlier run points at a closed port). */
function listening(address: string | undefined): Promise<boolean> {
  const m = address ? /^(.*):(\d+)$/.exec(address) : null;
  if (!m) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: m[1], port: Number(m[2]) });
    socket.setTimeout(1000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/**
 * Waits for a live start order of `rank` and takes it; throws after `timeoutMs` (the barrier timeout)
 * without one. A job folder seen and then gone means the job finished without this rank.
 */
async function awaitOrder(jobDir: string, rank: number, timeoutMs: number, signal?: AbortSignal): Promise<StartOrder> {
  const deadline = Date.now() + timeoutMs;
  let seenJob = false;
  while (!signal?.aborted) {
    const order = readStartOrder(jobDir, rank);
    if (order && (order.idle || (await listening(order.env.STYLERUN_COORDINATOR)))) {
      consumeStartOrder(jobDir, rank);
      return order;
    }
    const jobThere = existsSync(jobDir);
    if (seenJob && !jobThere) return { rank, idle: true };
    seenJob ||= jobThere;
    if (Date.now() > deadline) {
      throw new StylerunError(
        'NO_START_ORDER', ExitCode.barrierTimeout,
        `rank ${rank}: rank 0 gave no start order in ${jobDir} within ${Math.round(timeoutMs / 1000)} s; every process of the engine must run the same command (input, output, model, --work-dir), and over several machines --work-dir must be a folder they all share`,
      );
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  throw new StylerunError('INTERRUPTED', ExitCode.interruptedSigterm, `rank ${rank}: interrupted while waiting for rank 0`);
}

/** Runs rank `rank` for the job in `jobDir`; resolves with the exit code this process should end with. */
export async function runEngineMember(
  rank: number, jobDir: string, timeoutMs: number, spawner: RankSpawner, log: Logger, signal?: AbortSignal,
  /** Variables this process knows better than rank 0's order: its local rank on a machine rank 0 cannot see. */
  own: Record<string, string> = {},
): Promise<number> {
  // the rank's process starts now and loads while rank 0 probes the input; the order then tells it its job
  spawner.prestart?.([hostname()], own);
  let order: StartOrder;
  try {
    order = await awaitOrder(jobDir, rank, timeoutMs, signal);
  } catch (e) {
    await spawner.discardPrestarted?.();
    throw e;
  }
  if (order.idle) {
    await spawner.discardPrestarted?.();
    log.info(`rank ${rank}: nothing to do (the job needs fewer ranks than the engine started)`);
    return 0;
  }
  log.debug(`rank ${rank}: starting for the coordinator at ${order.env.STYLERUN_COORDINATOR}`);
  const proc = spawner.start(rank, hostname(), { ...order.env, ...own }, order.jobToken);
  const stop = () => void proc.stop(3000);
  signal?.addEventListener('abort', stop, { once: true });
  const exit = await proc.exited;
  signal?.removeEventListener('abort', stop);
  if (exit.signal) return 128 + (exit.signal === 'SIGKILL' ? 9 : exit.signal === 'SIGINT' ? 2 : 15);
  return exit.exitCode ?? ExitCode.internal;
}
