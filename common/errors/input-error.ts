import { ExitCode } from '../exit-codes.js';
import { StylerunError } from './stylerun-error.js';

/** The input video cannot be styled as asked. */
export class InputError extends StylerunError {
  readonly input: string;
  constructor(code: string, input: string, message: string, options?: { cause?: unknown }) {
    super(code, ExitCode.badInput, message, options);
    this.name = 'InputError';
    this.input = input;
  }
}
