import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import type { RankFailure } from './decisions.js';

/** Not every rank joined and became ready in time. */
export class BarrierTimeoutError extends StylerunError {
  constructor(readonly failure: RankFailure) {
    super('BARRIER_TIMEOUT', ExitCode.barrierTimeout, failure.message);
    this.name = 'BarrierTimeoutError';
  }
}
