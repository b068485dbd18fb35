import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';
import type { RankFailure } from './decisions.js';

/** The ranks kept failing until the restarts ran out. */
export class GaveUpError extends StylerunError {
  constructor(readonly attempts: number, readonly rootCause: RankFailure | undefined, message: string) {
    super('GAVE_UP', ExitCode.gaveUp, message);
    this.name = 'GaveUpError';
  }
}
