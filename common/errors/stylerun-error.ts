import type { ExitCodeValue } from '../exit-codes.js';

/**
 * An error a user can cause and fix. The CLI prints its one-line message (no stack) and exits with
 * its code. Messages never contain secrets.
 */
export class StylerunError extends Error {
  readonly exitCode: ExitCodeValue;
  /** Stable machine-readable name, e.g. "INPUT_NOT_VIDEO". */
  readonly code: string;

  constructor(code: string, exitCode: ExitCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StylerunError';
    this.code = code;
    this.exitCode = exitCode;
  }
}
