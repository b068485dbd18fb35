// Words for a POSIX shell: what a printed command (`--resume` advice) and a remote command (ssh) need.

/** `word` single-quoted, its own single quotes escaped: one shell word whatever it holds. */
export function singleQuoted(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `word` bare when it holds only characters no shell treats specially, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : singleQuoted(word);
}
