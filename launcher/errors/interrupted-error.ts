import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** The user interrupted the job (Ctrl-C) or it was told to stop (SIGTERM). */
export class InterruptedError extends StylerunError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM', resumeHint: string) {
    super('INTERRUPTED', signal === 'SIGINT' ? ExitCode.interruptedSigint : ExitCode.interruptedSigterm, `interrupted by ${signal}${resumeHint}`);
    this.name = 'InterruptedError';
  }
}
