import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../../common/exit-codes.js';
import { HostfileError } from '../../../launcher/spawn/hostfile-error.js';
import { isLocalHost, parseHostfile, parseHostList, placeRanks, readHostfile } from '../../../launcher/spawn/hostfile.js';

function hostfileErrorFrom(action: () => unknown): HostfileError {
  try {
    action();
  } catch (error) {
    if (error instanceof HostfileError) return error;
    throw error;
  }
  throw new Error('expected a HostfileError');
}

describe('parseHostfile', () => {
  it("reads Open MPI's 'host slots=N', ignoring max_slots", () => {
    expect(parseHostfile('node1 slots=4\nnode2 slots=2 max_slots=8\n', 'hosts.txt')).toEqual([
      { host: 'node1', slots: 4, line: 1 },
      { host: 'node2', slots: 2, line: 2 },
    ]);
  });

  it("reads MPICH's 'host:N'", () => {
    expect(parseHostfile('node1:4\nnode2:1', 'hosts.txt')).toEqual([
      { host: 'node1', slots: 4, line: 1 },
      { host: 'node2', slots: 1, line: 2 },
    ]);
  });

  it('gives a bare host one slot, including an IPv6 address', () => {
    expect(parseHostfile('node1\n10.0.0.5\nfe80::1', 'hosts.txt')).toEqual([
      { host: 'node1', slots: 1, line: 1 },
      { host: '10.0.0.5', slots: 1, line: 2 },
      { host: 'fe80::1', slots: 1, line: 3 },
    ]);
  });

  it('skips comments, trailing comments, blank lines and Windows line ends, keeping true line numbers', () => {
    const text = '# our cluster\r\n\r\n   \r\nnode1 slots=2   # the big one\r\n\tnode2:3\r\n';
    expect(parseHostfile(text, 'hosts.txt')).toEqual([
      { host: 'node1', slots: 2, line: 4 },
      { host: 'node2', slots: 3, line: 5 },
    ]);
  });

  it("reads 'slots = N' with spaces, as Open MPI does", () => {
    expect(parseHostfile('node1 slots = 3 max_slots= 4\nnode2 slots =2', 'hosts.txt')).toEqual([
      { host: 'node1', slots: 3, line: 1 },
      { host: 'node2', slots: 2, line: 2 },
    ]);
  });

  it('takes user@host, IPv6 in brackets (kept bare, as ssh takes it) and names with underscores', () => {
    expect(parseHostfile('alice@node1 slots=2\n[fe80::1]\ngpu_node-3.cluster\n[::1]:3', 'hosts.txt')).toEqual([
      { host: 'alice@node1', slots: 2, line: 1 },
      { host: 'fe80::1', slots: 1, line: 2 },
      { host: 'gpu_node-3.cluster', slots: 1, line: 3 },
      { host: '::1', slots: 3, line: 4 },
    ]);
  });

  it('adds the slots of a repeated host at the line that first named it', () => {
    expect(parseHostfile('node1 slots=2\nnode2\nnode1:3\nnode1', 'hosts.txt')).toEqual([
      { host: 'node1', slots: 6, line: 1 },
      { host: 'node2', slots: 1, line: 2 },
    ]);
  });

  it('returns no hosts for a file of comments', () => {
    expect(parseHostfile('# nothing yet\n\n', 'hosts.txt')).toEqual([]);
  });

  it("names the file, the line and the bad value: \"hosts.txt:3: bad slots value 'x'\"", () => {
    const error = hostfileErrorFrom(() => parseHostfile('node1\n# two\nnode3 slots=x', 'hosts.txt'));
    expect(error).toMatchObject({ file: 'hosts.txt', line: 3, code: 'HOSTFILE_INVALID', exitCode: ExitCode.usage });
    expect(error.message).toBe("hosts.txt:3: bad slots value 'x' (expected a positive integer)");
  });

  it.each([
    ['node1 slots=0', "bad slots value '0'"],
    ['node1 slots=-2', "bad slots value '-2'"],
    ['node1 slots=1.5', "bad slots value '1.5'"],
    ['node1 slots=', "bad slots value ''"],
    ['node1:x', "bad slots value 'x'"],
    ['node1:', "bad slots value ''"],
    ['node1:2:ib0', "cannot read 'node1:2:ib0'"],
    ['node1 slots=2 slots=3', 'slots given twice'],
    ['node1:2 slots=3', 'slots given twice'],
    ['node1 slots=4 max_slots=2', 'max_slots=2 is below slots=4'],
    ['node1 max_slots=two', "bad max_slots value 'two'"],
    ['node1 cpus=4', "unknown option 'cpus=4'"],
    ['node1 node2', "unknown option 'node2'"],
    ['slots=4', "'slots=4' comes before any host name"],
    // a name goes to ssh as an argument: '-V' would be an option, and '-oProxyCommand=...' a command
    ['-V slots=1', "'-V' is not a host name"],
    ['-oProxyCommand=touch:1', "'-oProxyCommand=touch:1' comes before any host name"],
    ['[node1]:2', "'[node1]:2': brackets are for an IPv6 address"],
    ['-oProxyCommand:1', "'-oProxyCommand' is not a host name"],
    ['local\0host slots=2', "'local\\u{0}host' is not a host name"],
    ['local\uFFFDhost', "'local\\u{fffd}host' is not a host name (the file is not UTF-8 text)"],
    ['node$(reboot) slots=1', "'node$(reboot)' is not a host name"],
    ['.node1', "'.node1' is not a host name"],
    ['-x@node1', "'-x@node1' is not a host name"],
  ])('rejects %j at its line', (line, problem) => {
    const error = hostfileErrorFrom(() => parseHostfile(`node0\n${line}\n`, 'hosts.txt'));
    expect(error.line).toBe(2);
    expect(error.message).toContain(`hosts.txt:2: ${problem}`);
    expect(error.message).not.toContain('\n');
  });
});

describe('isLocalHost', () => {
  it('knows localhost and the loopback addresses without being told', () => {
    for (const host of ['localhost', 'LocalHost', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1']) {
      expect(isLocalHost(host, []), host).toBe(true);
    }
  });

  it("matches the caller's names for this machine, ignoring case and a trailing dot", () => {
    const localNames = ['gpu-box', '10.0.0.5', 'fe80::1'];
    expect(isLocalHost('GPU-BOX', localNames)).toBe(true);
    expect(isLocalHost('gpu-box.', localNames)).toBe(true);
    expect(isLocalHost('10.0.0.5', localNames)).toBe(true);
    expect(isLocalHost('[fe80::1]', localNames)).toBe(true);
  });

  it('takes neither a short name for a longer one nor a look-alike address as local', () => {
    const localNames = ['gpu-box.cluster.local', '10.0.0.5'];
    expect(isLocalHost('gpu-box', localNames)).toBe(false);
    expect(isLocalHost('10.0.0.50', localNames)).toBe(false);
    expect(isLocalHost('127.example.com', localNames)).toBe(false);
    expect(isLocalHost('', ['', 'gpu-box'])).toBe(false);
  });
});

describe('placeRanks', () => {
  const hosts = [
    { host: 'node1', slots: 2, line: 1 },
    { host: 'node2', slots: 3, line: 2 },
  ];

  it("fills each host's slots before moving to the next, like mpirun --map-by slot", () => {
    expect(placeRanks(hosts, 5)).toEqual(['node1', 'node1', 'node2', 'node2', 'node2']);
  });

  it('leaves the later slots empty when fewer ranks are asked for', () => {
    expect(placeRanks(hosts, 3)).toEqual(['node1', 'node1', 'node2']);
  });

  it('refuses more ranks than there are slots, saying how many there are', () => {
    const error = hostfileErrorFrom(() => placeRanks(hosts, 6, 'hosts.txt'));
    expect(error).toMatchObject({ file: 'hosts.txt', line: undefined, code: 'HOSTFILE_TOO_SMALL' });
    expect(error.message).toMatch(/^hosts\.txt: 6 ranks requested but the hostfile has only 5 slots; /);
  });

  it('refuses a hostfile without hosts', () => {
    const error = hostfileErrorFrom(() => placeRanks([], 1, 'hosts.txt'));
    expect(error.message).toMatch(/^hosts\.txt: lists no hosts; /);
  });

  it('rejects a rank count below one as a programming error', () => {
    expect(() => placeRanks(hosts, 0)).toThrow(RangeError);
    expect(() => placeRanks(hosts, 1.5)).toThrow(RangeError);
  });
});

describe('readHostfile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-hostfile-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads and parses a hostfile, naming it in line errors', async () => {
    const path = join(dir, 'hosts.txt');
    writeFileSync(path, 'node1 slots=2\nnode2:x\n');
    await expect(readHostfile(path)).rejects.toThrow(`${path}:2: bad slots value 'x'`);
    writeFileSync(path, 'node1 slots=2\n');
    await expect(readHostfile(path)).resolves.toEqual([{ host: 'node1', slots: 2, line: 1 }]);
  });

  it('names the path of a missing hostfile', async () => {
    const path = join(dir, 'missing.txt');
    const error: unknown = await readHostfile(path).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HostfileError);
    expect(error).toMatchObject({
      file: path,
      line: undefined,
      code: 'HOSTFILE_UNREADABLE',
      message: `${path}: cannot read the hostfile (no such file); check the path given to --hostfile`,
    });
  });
});

describe('parseHostList (mpirun --host)', () => {
  it('reads host:N and bare hosts (one slot each), summing a host named twice', () => {
    expect(parseHostList('node1:2,node2,node2')).toEqual([
      { host: 'node1', slots: 2, line: 1 },
      { host: 'node2', slots: 2, line: 2 },
    ]);
  });

  it('names the position of a bad entry', () => {
    expect(() => parseHostList('node1:2,node2:0')).toThrow("--host:2: bad slots value '0' (expected a positive integer)");
    expect(() => parseHostList(' ')).toThrow('--host: names no host');
  });
});

describe('placeRanks --map-by node', () => {
  it('deals ranks round-robin over the hosts with a slot left', () => {
    const hosts = [{ host: 'a', slots: 3, line: 1 }, { host: 'b', slots: 1, line: 2 }, { host: 'c', slots: 2, line: 3 }];
    expect(placeRanks(hosts, 6, 'h', 'node')).toEqual(['a', 'b', 'c', 'a', 'c', 'a']);
    expect(placeRanks(hosts, 4, 'h', 'slot')).toEqual(['a', 'a', 'a', 'b']);
  });
});
