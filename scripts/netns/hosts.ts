// Hosts for tests and benchmarks, made of Linux network namespaces: each has an address of its own on a bridge to this
// machine (10.77.0.N), a real sshd (Debian's openssh-server), and a mount namespace of its own in which a
// tmpfs covers the launcher's folder, so its ranks share no disk with the launcher. Root only.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const sshd = '/usr/sbin/sshd';

/** Whether this machine can make such hosts: root, ip, unshare and sshd. */
export function canMakeHosts(): boolean {
  return process.getuid?.() === 0 && existsSync(sshd) && existsSync('/usr/sbin/ip') && existsSync('/usr/bin/unshare');
}

/** One namespace host. */
export interface NsHost {
  /** The name the ssh config knows it by (and the hostfile uses). */
  readonly name: string;
  readonly address: string;
  readonly namespace: string;
}

/** A set of namespace hosts, the ssh config that reaches them, and ways to break them. */
export interface NsHosts {
  readonly hosts: readonly NsHost[];
  /** This machine's address on the hosts' bridge: what ranks reach the coordinator at. */
  readonly launcherAddress: string;
  /** `--launch-agent` for them: the system ssh with this set's config. */
  readonly launchAgent: string;
  /** Runs a shell command on a host over ssh and returns its stdout. */
  ssh(host: string, command: string): string;
  /** Starts `argv` on a host without ssh (as a pod's container would run), the launcher's folder hidden from it too. */
  start(host: string, argv: readonly string[], env: Record<string, string>): ChildProcess;
  /** Pids of every process in a host's network namespace. */
  pids(host: string): number[];
  /** The host dies: every process in it is killed (SIGKILL), its sshd too. */
  kill(host: string): void;
  /** The host's network link goes down: its packets are dropped, its processes live on. */
  cut(host: string): void;
  destroy(): void;
}

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

/** Makes `names.length` hosts whose sshds cannot see `hiddenDir`. */
export async function makeHosts(names: readonly string[], hiddenDir: string): Promise<NsHosts> {
  removeStale();
  const tag = String(process.pid);
  const bridge = `srbr${tag}`;
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-nshosts-'));
  const daemons: ChildProcess[] = [];
  const hosts: NsHost[] = names.map((name, i) => ({ name, address: `10.77.0.${i + 2}`, namespace: `stylerun-${tag}-${name}` }));
  const veth = (i: number, end: 0 | 1) => `sr${tag}v${i}${end}`;
  const config = join(dir, 'ssh_config');
  const destroy = () => {
    for (const d of daemons) d.kill('SIGKILL');
    for (const [i, h] of hosts.entries()) {
      try {
        for (const pid of run('ip', ['netns', 'pids', h.namespace]).split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
      } catch {}
      // the namespace (and the veth end in it) outlives its last process for a moment: delete the pair now
      try {
        run('ip', ['link', 'del', veth(i, 0)]);
      } catch {}
      try {
        run('ip', ['netns', 'del', h.namespace]);
      } catch {}
    }
    try {
      run('ip', ['link', 'del', bridge]);
    } catch {}
  };
  try {
    run('ip', ['link', 'add', bridge, 'type', 'bridge']);
    run('ip', ['addr', 'add', '10.77.0.1/24', 'dev', bridge]);
    run('ip', ['link', 'set', bridge, 'up']);
    for (const k of ['host_key', 'client_key']) run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, k)]);
    run('cp', [join(dir, 'client_key.pub'), join(dir, 'authorized_keys')]);
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    const sshConfig: string[] = [];
    for (const [i, h] of hosts.entries()) {
      const inNs = (...args: string[]) => run('ip', ['netns', 'exec', h.namespace, ...args]);
      run('ip', ['netns', 'add', h.namespace]);
      run('ip', ['link', 'add', veth(i, 0), 'type', 'veth', 'peer', 'name', veth(i, 1)]);
      run('ip', ['link', 'set', veth(i, 1), 'netns', h.namespace]);
      run('ip', ['link', 'set', veth(i, 0), 'master', bridge]);
      run('ip', ['link', 'set', veth(i, 0), 'up']);
      inNs('ip', 'addr', 'add', `${h.address}/24`, 'dev', veth(i, 1));
      inNs('ip', 'link', 'set', veth(i, 1), 'up');
      inNs('ip', 'link', 'set', 'lo', 'up');
      const cfg = join(dir, `sshd_${h.name}`);
      writeFileSync(cfg, [
        'Port 22', `ListenAddress ${h.address}`, `HostKey ${join(dir, 'host_key')}`, `PidFile ${join(dir, `sshd_${h.name}.pid`)}`,
        `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
        'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', '',
      ].join('\n'));
      const hide = `mount -t tmpfs -o size=1m stylerun-no-shared-disk ${hiddenDir} && exec ${sshd} -D -f ${cfg} -E ${join(dir, `sshd_${h.name}.log`)}`;
      daemons.push(spawn('ip', ['netns', 'exec', h.namespace, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', hide], { stdio: 'ignore' }));
      sshConfig.push(`Host ${h.name}`, `  HostName ${h.address}`, '  User root', `  IdentityFile ${join(dir, 'client_key')}`,
        '  StrictHostKeyChecking no', '  UserKnownHostsFile /dev/null', '  LogLevel ERROR', '');
    }
    writeFileSync(config, sshConfig.join('\n'));
    for (const h of hosts) await waitForPort(h.address, 22);
  } catch (e) {
    destroy();
    throw e;
  }
  const byName = (name: string) => hosts.find((h) => h.name === name) ?? (() => { throw new Error(`no host ${name}`); })();
  const pids = (name: string) => run('ip', ['netns', 'pids', byName(name).namespace]).split('\n').filter(Boolean).map(Number);
  return {
    hosts,
    launcherAddress: '10.77.0.1',
    launchAgent: `ssh -F ${config} -o BatchMode=yes -o ConnectTimeout=3`,
    ssh: (host, command) => run('ssh', ['-F', config, '-o', 'BatchMode=yes', host, command]),
    start: (host, argv, env) =>
      spawn('ip', ['netns', 'exec', byName(host).namespace, 'unshare', '-m', '--propagation', 'private', 'sh', '-c',
        `mount -t tmpfs -o size=1m stylerun-no-shared-disk ${hiddenDir} && exec "$@"`, 'sh', ...argv], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }),
    pids,
    kill: (name) => {
      for (const pid of pids(name)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {}
      }
    },
    cut: (name) => void run('ip', ['link', 'set', veth(hosts.indexOf(byName(name)), 0), 'down']),
    destroy,
  };
}

/** Namespaces and bridges left by a test process that was killed before it could remove them. */
function removeStale(): void {
  const alive = (pid: string) => existsSync(`/proc/${pid}`);
  for (const line of run('ip', ['netns', 'list']).split('\n')) {
    const m = /^stylerun-(\d+)-\S+/.exec(line);
    if (!m || alive(m[1]!)) continue;
    for (const pid of run('ip', ['netns', 'pids', m[0]]).split('\n').filter(Boolean)) process.kill(Number(pid), 'SIGKILL');
    run('ip', ['netns', 'del', m[0]]);
  }
  for (const line of run('ip', ['-o', 'link', 'show']).split('\n')) {
    const m = /^\d+: (sr(?:br)?(\d+)(?:v\d+)?)[:@]/.exec(line);
    if (!m || alive(m[2]!)) continue;
    try {
      run('ip', ['link', 'del', m[1]!]);
    } catch {
      // gone meanwhile: a veth goes with its peer, which the kernel removes with the namespace deleted above
    }
  }
}

async function waitForPort(host: string, port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect({ host, port }).once('connect', () => (c.destroy(), resolve(true))).once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`sshd did not listen on ${host}:${port}`);
}
