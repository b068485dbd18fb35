// A rank started over ssh gets its environment and its job token on stdin, as one JSON line, rather than
// on the remote command line (where `ps` on that host would show them) or in a file on a disk the launcher
// may not share. STYLERUN_BOOTSTRAP=stdin says so.
import { readFileSync } from 'node:fs';

export const bootstrapVariable = 'STYLERUN_BOOTSTRAP';

/** What the launcher sends down the ssh channel. */
export interface RankBootstrap {
  env: Record<string, string>;
  jobToken: string;
}

/** The line the launcher writes on the rank's stdin. */
export function bootstrapLine(b: RankBootstrap): string {
  return `${JSON.stringify(b)}\n`;
}

/** Reads the bootstrap from stdin where the environment asks for it; undefined where it does not. */
export function readBootstrap(env: NodeJS.ProcessEnv): RankBootstrap | undefined {
  if (env[bootstrapVariable] !== 'stdin') return undefined;
  const line = readFileSync(0, 'utf8').split('\n', 1)[0] ?? '';
  // a process started ahead of its job whose launcher ended (or had no job for it) before handing it one
  if (line.trim() === '') throw new Error('no bootstrap on stdin: the launcher gave this rank no job');
  const b = JSON.parse(line) as RankBootstrap;
  if (typeof b.jobToken !== 'string' || typeof b.env !== 'object') throw new Error('the bootstrap on stdin is not {env, jobToken}');
  return b;
}
