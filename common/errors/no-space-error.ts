// A full disk is a failure no rerun can mend: ranks report it with the stable code NO_SPACE, and the
// launcher gives up at once. ffmpeg does not always exit non-zero on a full disk (it may say so on stderr
// and exit 0), so what it printed is checked as well as how it ended.
import { ExitCode } from '../exit-codes.js';
import { StylerunError } from './stylerun-error.js';

/** The stable code a rank's Failed message carries for a full disk. */
export const noSpaceCode = 'NO_SPACE';

/** No space is left on the device that holds `dir`. */
export class NoSpaceError extends StylerunError {
  /** The folder that could not be written. */
  readonly dir: string;

  constructor(dir: string, advice?: string, options?: { cause?: unknown }) {
    super(noSpaceCode, ExitCode.noSpace, `no space left on device under ${dir}${advice ? `: ${advice}` : ''}`, options);
    this.name = 'NoSpaceError';
    this.dir = dir;
  }
}

/** Whether a tool's output says the disk (or the user's quota) is full. */
export function saysNoSpace(text: string): boolean {
  return /No space left on device|Disk quota exceeded/i.test(text);
}

/** Whether an error is a full disk: a NoSpaceError, or an fs error with errno ENOSPC or EDQUOT. */
export function isNoSpace(e: unknown): boolean {
  if (e instanceof NoSpaceError) return true;
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT';
}
