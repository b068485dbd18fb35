// A hostfile the launcher cannot use. The user wrote it, so the message points at the file and line like a
// compiler would ("hosts.txt:3: ...") and no stack trace is needed to act on it.
import { ExitCode } from '../../common/exit-codes.js';
import { StylerunError } from '../../common/errors/stylerun-error.js';

/** Why a hostfile cannot be used, as a stable code for scripts that read the error. */
export type HostfileErrorCode = 'HOSTFILE_UNREADABLE' | 'HOSTFILE_INVALID' | 'HOSTFILE_TOO_SMALL';

/** A hostfile is unreadable, malformed, or too small for the ranks asked for. */
export class HostfileError extends StylerunError {
  /** The hostfile's path as the user gave it. */
  readonly file: string;
  /** 1-based line at fault; undefined when the fault is the whole file. */
  readonly line?: number;

  constructor(fields: { code: HostfileErrorCode; file: string; line?: number; problem: string; cause?: unknown }) {
    const where = fields.line === undefined ? fields.file : `${fields.file}:${fields.line}`;
    // Only a read failure has a cause; `{ cause: undefined }` would still add an empty `cause` property.
    const options = fields.cause === undefined ? {} : { cause: fields.cause };
    super(fields.code, ExitCode.usage, `${where}: ${fields.problem}`, options);
    this.name = 'HostfileError';
    this.file = fields.file;
    this.line = fields.line;
  }
}
