import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** The signal that aborted a job, as a name (the CLI aborts with the signal's name as reason). */
export function abortSignalName(signal?: AbortSignal): 'SIGINT' | 'SIGTERM' {
  return signal?.reason === 'SIGTERM' ? 'SIGTERM' : 'SIGINT';
}

/** The user interrupted the job (Ctrl-C) or it was told to stop (SIGTERM). */
export class InterruptedError extends StylerunError {
  constructor(readonly signal: 'SIGINT' | 'SIGTERM', resumeHint: string) {
    super('INTERRUPTED', signal === 'SIGINT' ? ExitCode.interruptedSigint : ExitCode.interruptedSigterm, `interrupted by ${signal}${resumeHint}`);
    this.name = 'InterruptedError';
  }
}
