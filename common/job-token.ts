// How a rank receives the per-job secret it joins the coordinator with. Never through its own environment
// or command line: anyone who may read /proc/<pid>/environ or a `ps` listing would learn it. A local rank
// gets it on an inherited pipe (the launcher writes it and closes its end); an engine that cannot pass file
// descriptors (mpirun, ssh) names a file that only its owner may read.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { IdentityError } from './errors/identity-error.js';

/** Names the file descriptor (a pipe the launcher writes the token to) that carries the token. */
export const JOB_TOKEN_FD_VARIABLE = 'STYLERUN_JOB_TOKEN_FD';
/** Names a file, readable by its owner only, that holds the token (for engines that cannot pass descriptors). */
export const JOB_TOKEN_FILE_VARIABLE = 'STYLERUN_JOB_TOKEN_FILE';
/** The descriptor a local rank finds its token on: the first one after stdin, stdout and stderr. */
export const JOB_TOKEN_FD = 3;

/**
 * Reads the job token from the descriptor or the file the environment names (the descriptor wins), and closes
 * the descriptor so that no child of the rank (ffmpeg) inherits it. Errors never quote the token.
 */
export function readJobToken(env: NodeJS.ProcessEnv): string {
  const fdText = env[JOB_TOKEN_FD_VARIABLE];
  if (fdText) {
    const fd = /^\d+$/.test(fdText) ? Number(fdText) : Number.NaN;
    if (!Number.isSafeInteger(fd) || fd < 3) {
      throw tokenError(JOB_TOKEN_FD_VARIABLE, fdText, 'is not a file descriptor number of 3 or more', 'let the launcher start the rank');
    }
    try {
      return firstLine(readFileSync(fd, 'utf8'), JOB_TOKEN_FD_VARIABLE, fdText);
    } catch (e) {
      if (e instanceof IdentityError) throw e;
      throw tokenError(JOB_TOKEN_FD_VARIABLE, fdText, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'let the launcher start the rank');
    } finally {
      try {
        closeSync(fd);
      } catch {
        /* never opened */
      }
    }
  }
  const file = env[JOB_TOKEN_FILE_VARIABLE];
  if (file) return readTokenFile(file);
  throw tokenError(
    JOB_TOKEN_FD_VARIABLE,
    undefined,
    `is not set, nor is ${JOB_TOKEN_FILE_VARIABLE}, so this rank has no job token`,
    `set ${JOB_TOKEN_FILE_VARIABLE} to a file (mode 0600) holding the launcher's job token`,
  );
}

// Like ssh with a private key: a token file others may read is refused rather than used, since the secret in
// it is already out.
function readTokenFile(file: string): string {
  let text: string;
  try {
    // opened once and checked through the descriptor, so the file checked is the file read
    const fd = openSync(file, 'r');
    try {
      const mode = fstatSync(fd).mode & 0o777;
      if (mode & 0o077) {
        throw tokenError(JOB_TOKEN_FILE_VARIABLE, file, `may be read by others (mode 0${mode.toString(8)})`, `chmod 600 ${file}`);
      }
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    if (e instanceof IdentityError) throw e;
    throw tokenError(JOB_TOKEN_FILE_VARIABLE, file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, 'name a file this user may read');
  }
  return firstLine(text, JOB_TOKEN_FILE_VARIABLE, file);
}

function firstLine(text: string, variable: string, value: string): string {
  const token = text.split('\n', 1)[0]?.trim() ?? '';
  if (!token) throw tokenError(variable, value, 'gives an empty job token', 'let the launcher start the rank');
  return token;
}

function tokenError(variable: string, value: string | undefined, problem: string, fix: string): IdentityError {
  return new IdentityError({ variable, value, problem, fix });
}
