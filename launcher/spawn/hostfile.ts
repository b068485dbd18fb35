// Which machines the ranks run on: the hostfile formats of Open MPI (`node1 slots=4`) and MPICH (`node1:4`),
// and mpirun's `--map-by slot` placement, so that a hostfile written for either works unchanged.
import { readFile } from 'node:fs/promises';
import { isIPv4, isIPv6 } from 'node:net';
import { HostfileError } from './hostfile-error.js';

/** One machine from a hostfile, how many ranks it takes, and the line that first named it. */
export type HostEntry = { host: string; slots: number; line: number };

/** Parses either format (or a mix); a host named twice gets the sum of its slots, at its first line. */
export function parseHostfile(text: string, fileName: string): HostEntry[] {
  const byHost = new Map<string, HostEntry>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const entry = parseLine(raw, index + 1, fileName);
    if (!entry) return;
    const seen = byHost.get(entry.host);
    // Map.set on a known key keeps its place, so hosts stay in the order they first appear.
    byHost.set(entry.host, seen ? { ...seen, slots: seen.slots + entry.slots } : entry);
  });
  return [...byHost.values()];
}

/**
 * Parses mpirun's `--host h1:2,h2,h2`: entries split by commas, each `host` (one slot) or `host:N`; a host
 * named twice gets the sum of its slots. A bad entry is reported as `--host:K` (its position).
 */
export function parseHostList(text: string): HostEntry[] {
  if (text.trim() === '') throw new HostfileError({ code: 'HOSTFILE_INVALID', file: '--host', problem: 'names no host (expected e.g. --host node1:2,node2:2)' });
  // one entry a line: a bad entry's "line" is then its position in the list
  return parseHostfile(text.split(',').join('\n'), '--host');
}

/** Reads and parses a hostfile; an unreadable one is a HostfileError naming the path. */
export async function readHostfile(path: string): Promise<HostEntry[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HostfileError({
      code: 'HOSTFILE_UNREADABLE',
      file: path,
      problem: `cannot read the hostfile (${readFailure(error)}); check the path given to --hostfile`,
      cause: error,
    });
  }
  return parseHostfile(text, path);
}

/**
 * True when `host` names this machine, so its ranks start as children rather than over ssh. `localNames` is
 * what the caller knows this machine as (os.hostname() and its interface addresses); names match whole and
 * ignoring case, because taking `node1` for `node1.cluster` could start a remote host's ranks here.
 */
export function isLocalHost(host: string, localNames: string[]): boolean {
  const name = normaliseHost(host);
  if (name === 'localhost' || name === '::1' || isLoopbackIPv4(name)) return true;
  // An IPv4 loopback address written the IPv6 way, as some resolvers return it.
  if (name.startsWith('::ffff:') && isLoopbackIPv4(name.slice('::ffff:'.length))) return true;
  return localNames.some((local) => local !== '' && normaliseHost(local) === name);
}

/** How ranks are laid over the hosts' slots, as mpirun's `--map-by`. */
export type MapBy = 'slot' | 'node';

/**
 * The host of each rank, in rank order: `slot` fills each host's slots before the next (mpirun's default);
 * `node` deals ranks round-robin over the hosts that have a slot left.
 */
export function placeRanks(hosts: HostEntry[], n: number, fileName = 'hostfile', mapBy: MapBy = 'slot'): string[] {
  if (!Number.isSafeInteger(n) || n < 1) {
    // The CLI validates -n first, so this is a caller's bug rather than the user's.
    throw new RangeError(`the number of ranks must be a whole number >= 1, not ${n}`);
  }
  if (hosts.length === 0) {
    throw new HostfileError({
      code: 'HOSTFILE_TOO_SMALL',
      file: fileName,
      problem: "lists no hosts; add a line per machine, such as 'node1 slots=4'",
    });
  }
  const totalSlots = hosts.reduce((sum, entry) => sum + entry.slots, 0);
  if (n > totalSlots) {
    throw new HostfileError({
      code: 'HOSTFILE_TOO_SMALL',
      file: fileName,
      problem:
        `${n} ranks requested but the hostfile has only ${totalSlots} slot${totalSlots === 1 ? '' : 's'}; ` +
        'add hosts or slots, or ask for fewer ranks',
    });
  }
  const placement: string[] = [];
  if (mapBy === 'node') {
    const left = hosts.map((h) => h.slots);
    while (placement.length < n) {
      hosts.forEach((h, i) => {
        if (placement.length < n && left[i] > 0) {
          placement.push(h.host);
          left[i]--;
        }
      });
    }
    return placement;
  }
  for (const entry of hosts) {
    for (let slot = 0; slot < entry.slots && placement.length < n; slot++) placement.push(entry.host);
  }
  return placement;
}

function parseLine(raw: string, line: number, file: string): HostEntry | undefined {
  // Open MPI also reads 'slots = 4'
  const content = (raw.split('#', 1)[0] ?? '').replace(/\s*=\s*/g, '=').trim();
  if (content === '') return undefined;
  const fail = (problem: string) => new HostfileError({ code: 'HOSTFILE_INVALID', file, line, problem });
  const [first = '', ...options] = content.split(/\s+/);
  if (first.includes('=')) {
    throw fail(`'${first}' comes before any host name (expected 'host slots=N' or 'host:N')`);
  }

  let host = first;
  let slots: number | undefined;
  // An IPv6 address is all colons, so only a name, an IPv4 address or a bracketed IPv6 one can carry MPICH's ':N'.
  const bracketed = /^\[([^\]]*)\](?::(.*))?$/.exec(first);
  if (bracketed) {
    // kept bare, as ssh takes an IPv6 address
    host = bracketed[1]!;
    if (!isIPv6(host)) throw fail(`'${first}': brackets are for an IPv6 address`);
    if (bracketed[2] !== undefined) slots = parseCount(bracketed[2], 'slots', fail);
  } else if (first.includes(':') && !isIPv6(first)) {
    const mpich = /^([^:]+):([^:]*)$/.exec(first);
    if (!mpich) throw fail(`cannot read '${first}' (expected 'host:N', with N the number of slots)`);
    host = mpich[1] ?? '';
    slots = parseCount(mpich[2] ?? '', 'slots', fail);
  }
  const badName = hostNameProblem(host);
  if (badName) throw fail(badName);

  let maxSlots: number | undefined;
  for (const option of options) {
    const [key, value] = splitOption(option);
    if (key === 'slots') {
      if (slots !== undefined) throw fail(`slots given twice for '${host}'`);
      slots = parseCount(value, key, fail);
    } else if (key === 'max_slots') {
      maxSlots = parseCount(value, key, fail);
    } else {
      throw fail(`unknown option '${option}' (expected slots=N or max_slots=M after the host)`);
    }
  }
  // max_slots is checked as mpirun would, so a typo shows, but not used: stylerun never oversubscribes a host.
  if (maxSlots !== undefined && maxSlots < (slots ?? 1)) {
    throw fail(`max_slots=${maxSlots} is below slots=${slots ?? 1} (max_slots must be at least slots)`);
  }
  return { host, slots: slots ?? 1, line };
}

/**
 * Why `host` cannot be a host name, or undefined: a name goes to the launch agent (ssh) as an argument, where
 * one starting with '-' would be read as an option, and a NUL or a control character has no business.
 * Accepted: a DNS name or IPv4 address (letters, digits, '.', '-', '_'; starting with a letter, digit or
 * '_'), an IPv6 address, bare or in brackets, each optionally after `user@` as Open MPI's hostfiles allow.
 */
export function hostNameProblem(host: string): string | undefined {
  const at = host.lastIndexOf('@');
  const user = at === -1 ? undefined : host.slice(0, at);
  const name = at === -1 ? host : host.slice(at + 1);
  const v6 = name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name;
  const nameOk = isIPv6(v6) || /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(name);
  const userOk = user === undefined || /^[A-Za-z0-9_][A-Za-z0-9._-]*$/.test(user);
  if (nameOk && userOk) return undefined;
  const notText = host.includes('\uFFFD') ? ' (the file is not UTF-8 text)' : '';
  return `'${printable(host)}' is not a host name${notText}: letters, digits, '.', '-' and '_' not starting with '-' (or an IP address), optionally after user@`;
}

/** `text` with every character outside printable ASCII written as \u{hex}, so that a message stays one plain line. */
function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

function splitOption(option: string): [string, string | undefined] {
  const equals = option.indexOf('=');
  return equals === -1 ? [option, undefined] : [option.slice(0, equals), option.slice(equals + 1)];
}

function parseCount(text: string | undefined, what: string, fail: (problem: string) => HostfileError): number {
  const parsed = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(parsed) || parsed < 1) {
    throw fail(`bad ${what} value '${text ?? ''}' (expected a positive integer)`);
  }
  return parsed;
}

function normaliseHost(host: string): string {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  // A trailing dot marks a fully qualified name; `node1.` and `node1` are the same machine.
  return bare.toLowerCase().replace(/\.$/, '');
}

function isLoopbackIPv4(address: string): boolean {
  return isIPv4(address) && address.startsWith('127.');
}

function readFailure(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return code ?? String(error);
}
