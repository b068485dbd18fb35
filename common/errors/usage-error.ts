import { ExitCode } from '../exit-codes.js';
import { StylerunError } from './stylerun-error.js';

/** A command-line option or hostfile that cannot be used. */
export class UsageError extends StylerunError {
  constructor(message: string, code = 'USAGE') {
    super(code, ExitCode.usage, message);
    this.name = 'UsageError';
  }
}
