// Under an engine (mpirun, torchrun, a Kubernetes Indexed Job, Azure ML) the engine starts every process
// and stylerun starts none. Rank 0 runs the job; where it would start rank r, it writes rank r's start order
// into the job folder instead, and the engine's process of rank r, waiting for it, starts the rank.
// An order holds the job token, so it is written readable by its owner only, and removed with the job.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { writeWhole } from '../../common/write-whole.js';
import { join } from 'node:path';

/** What the engine's process of one rank needs to start it. */
export interface RankStartOrder {
  rank: number;
  idle?: undefined;
  /** The rank's environment, as a launcher would give it (identity, coordinator address, device). */
  env: Record<string, string>;
  /** Handed to the rank on its token pipe, never in its environment. */
  jobToken: string;
}

/** The job needs no rank `rank` (fewer chunks left than processes, or none): its process may end. */
export interface IdleOrder {
  rank: number;
  idle: true;
}

export type StartOrder = RankStartOrder | IdleOrder;

function folder(jobDir: string): string {
  return join(jobDir, 'start-orders');
}

/** Where rank `rank`'s order is written. */
export function startOrderPath(jobDir: string, rank: number): string {
  return join(folder(jobDir), `rank-${rank}.json`);
}

/** Writes an order whole (a reader never sees half of one), readable by its owner only. */
export function publishStartOrder(jobDir: string, order: StartOrder): void {
  mkdirSync(folder(jobDir), { recursive: true, mode: 0o700 });
  writeWhole(startOrderPath(jobDir, order.rank), JSON.stringify(order), 0o600);
}

/** Removes every order (a run's old orders would point its ranks at a coordinator that is gone). */
export function clearStartOrders(jobDir: string): void {
  rmSync(folder(jobDir), { recursive: true, force: true });
}

/** Removes rank `rank`'s order once its process has taken it (so no later run can mistake it for its own). */
export function consumeStartOrder(jobDir: string, rank: number): void {
  rmSync(startOrderPath(jobDir, rank), { force: true });
}

/** Rank `rank`'s order, or undefined while there is none (or it is being replaced). */
export function readStartOrder(jobDir: string, rank: number): StartOrder | undefined {
  try {
    return JSON.parse(readFileSync(startOrderPath(jobDir, rank), 'utf8')) as StartOrder;
  } catch {
    return undefined;
  }
}
