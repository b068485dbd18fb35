import { ExitCode, type ExitCodeValue } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** Why a job was stopped from outside: a signal, or its --timeout. */
export type StopReason = 'SIGINT' | 'SIGTERM' | 'SIGHUP' | 'TIMEOUT';

/** What aborted a job (the CLI aborts with the signal's name, or TIMEOUT, as reason). */
export function abortSignalName(signal?: AbortSignal): StopReason {
  return signal?.reason === 'SIGTERM' || signal?.reason === 'SIGHUP' || signal?.reason === 'TIMEOUT' ? signal.reason : 'SIGINT';
}

const exitCodes: Record<StopReason, ExitCodeValue> = { SIGINT: ExitCode.interruptedSigint, SIGTERM: ExitCode.interruptedSigterm, SIGHUP: ExitCode.interruptedSighup, TIMEOUT: ExitCode.timedOut };

/** The user interrupted the job (Ctrl-C), it was told to stop (SIGTERM), or it ran past its --timeout. */
export class InterruptedError extends StylerunError {
  constructor(readonly signal: StopReason, resumeHint: string) {
    const what = signal === 'TIMEOUT' ? 'stopped: the job ran past its --timeout' : `interrupted by ${signal}`;
    super(signal === 'TIMEOUT' ? 'TIMED_OUT' : 'INTERRUPTED', exitCodes[signal], `${what}${resumeHint}`);
    this.name = 'InterruptedError';
  }
}
