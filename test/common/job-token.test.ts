import { chmodSync, fstatSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IdentityError } from '../../common/errors/identity-error.js';
import { readJobToken } from '../../common/job-token.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-token-'));
const token = 'f00dfeed'.repeat(6);

function tokenFile(name: string, mode: number, text = `${token}\n`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

function refusal(env: NodeJS.ProcessEnv): IdentityError {
  try {
    readJobToken(env);
  } catch (e) {
    if (e instanceof IdentityError) return e;
    throw e;
  }
  throw new Error('expected an IdentityError');
}

describe('readJobToken', () => {
  it('reads the token from the descriptor STYLERUN_JOB_TOKEN_FD names, and closes it', () => {
    const fd = openSync(tokenFile('on-fd', 0o600), 'r');
    expect(readJobToken({ STYLERUN_JOB_TOKEN_FD: String(fd) })).toBe(token);
    expect(() => fstatSync(fd)).toThrow(/EBADF/);
  });

  it('reads the token from a file only its owner may read', () => {
    expect(readJobToken({ STYLERUN_JOB_TOKEN_FILE: tokenFile('owner-only', 0o600) })).toBe(token);
  });

  it('prefers the descriptor to the file', () => {
    const fd = openSync(tokenFile('fd-wins', 0o600, 'from-the-fd\n'), 'r');
    expect(readJobToken({ STYLERUN_JOB_TOKEN_FD: String(fd), STYLERUN_JOB_TOKEN_FILE: tokenFile('file-loses', 0o600) })).toBe('from-the-fd');
  });

  it('refuses a token file others may read, without quoting the token', () => {
    const e = refusal({ STYLERUN_JOB_TOKEN_FILE: tokenFile('world-readable', 0o644) });
    expect(e.message).toMatch(/may be read by others \(mode 0644\); chmod 600 /);
    expect(e.message).not.toContain(token);
  });

  it('refuses an empty token, a descriptor that is not one, and no token at all', () => {
    expect(refusal({ STYLERUN_JOB_TOKEN_FILE: tokenFile('empty', 0o600, '\n') }).message).toMatch(/empty job token/);
    expect(refusal({ STYLERUN_JOB_TOKEN_FD: '1' }).message).toMatch(/not a file descriptor number of 3 or more/);
    expect(refusal({ STYLERUN_JOB_TOKEN_FD: '987' }).message).toMatch(/cannot be read \(EBADF\)/);
    expect(refusal({ STYLERUN_JOB_TOKEN: token }).message).toMatch(/^STYLERUN_JOB_TOKEN_FD is not set, nor is STYLERUN_JOB_TOKEN_FILE/);
  });
});
