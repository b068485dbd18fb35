// A rank's environment that names it badly (a rank past the world size, a port that is not a port). The
// user caused it by how the process was started, so the message says what to change, not where it broke.
import { ExitCode } from '../exit-codes.js';
import { StylerunError } from './stylerun-error.js';

/** A launcher variable is missing or holds a value that cannot describe this rank. */
export class IdentityError extends StylerunError {
  /** The environment variable at fault. */
  readonly variable: string;
  /** Its value as found; undefined when the variable is not set at all. */
  readonly value: string | undefined;

  constructor(fields: { variable: string; value: string | undefined; problem: string; fix: string }) {
    const found = fields.value === undefined ? fields.variable : `${fields.variable}='${fields.value}'`;
    super('RANK_ENVIRONMENT_INVALID', ExitCode.usage, `${found} ${fields.problem}; ${fields.fix}`);
    this.name = 'IdentityError';
    this.variable = fields.variable;
    this.value = fields.value;
  }
}
