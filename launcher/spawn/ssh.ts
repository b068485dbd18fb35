// Ranks on other hosts, started over ssh like mpirun's rsh agent: the user's ssh (its config, agent and
// jump hosts apply), BatchMode so that nothing waits for a password. The rank's environment and the job
// token go down the channel's stdin (common/rank-bootstrap.ts), never on a command line.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { bootstrapLine, bootstrapVariable } from '../../common/rank-bootstrap.js';
import { singleQuoted } from '../../common/shell-word.js';
import type { Logger } from '../../common/log.js';
import { isLogLine, writeStderr } from '../../common/log.js';
import { liveGroups } from './local.js';
import type { RankExit, RankProcess, RankSpawner } from './spawner.js';

/** mpirun's default agent, made non-interactive. */
// ConnectTimeout: a host that is down (its packets dropped) fails in 15 s rather than TCP's two minutes
export const defaultLaunchAgent = 'ssh -o BatchMode=yes -o ConnectTimeout=15';

/** The command the remote shell runs: the same node and rank entry paths as here (as mpirun assumes), or under --prefix. */
export function remoteCommand(node: string, entry: string): string {
  return `${bootstrapVariable}=stdin exec ${singleQuoted(node)} ${singleQuoted(entry)}`;
}

/** Starts each rank on its host with `agent host command`. */
export class SshSpawner implements RankSpawner {
  constructor(
    private readonly log: Logger,
    private readonly agent: string[],
    private readonly node: string,
    private readonly entry: string,
  ) {}

  start(rank: number, host: string, env: Record<string, string>, jobToken: string): RankProcess {
    const [cmd, ...args] = this.agent;
    // its own process group, signalled whole: an agent that is a wrapper script forks (its ssh, its sleep), and
    // a signal to its pid alone would leave those behind
    const child = spawn(cmd!, [...args, host, remoteCommand(this.node, this.entry)], { stdio: ['pipe', 'inherit', 'pipe'], detached: true });
    const group = child.pid;
    if (group !== undefined) liveGroups.add(group); // killed with the local ranks if the launcher is forced out
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        if (group !== undefined) process.kill(-group, signal);
      } catch {
        /* already gone */
      }
    };
    child.stdin.on('error', () => {});
    child.stdin.end(bootstrapLine({ env, jobToken }));
    const untagged: string[] = [];
    const lines = createInterface({ input: child.stderr });
    lines.on('line', (line) => {
      if (isLogLine(line)) writeStderr(`${line}\n`);
      else {
        untagged.push(line);
        if (untagged.length > 8) untagged.shift();
        this.log.debug(`rank ${rank} on ${host}: ${line}`);
      }
    });
    let stopping = false;
    let closed = false; // the agent and every process holding its pipes are gone
    const exited = new Promise<RankExit>((resolve) => {
      child.on('error', (e) => {
        this.log.error(`rank ${rank}: cannot run the launch agent "${this.agent.join(' ')}": ${e.message}`);
        resolve({ exitCode: 127, signal: null });
      });
      child.on('close', (exitCode, signal) => {
        closed = true;
        if (group !== undefined) liveGroups.delete(group);
        // ssh's own failure (host unreachable, key refused) is exit code 255 and a line of its own
        if (!stopping && exitCode !== 0) for (const line of untagged) this.log.warn(`rank ${rank} on ${host}: ${line}`);
        resolve({ exitCode, signal });
      });
    });
    const stop = async (graceMs: number) => {
      // not the agent's own exit: a wrapper's children may outlive it, holding its pipes
      if (closed) return;
      stopping = true;
      // the remote rank sees its coordinator stream end (the coordinator aborts it first) and exits;
      // ending ssh ends the session
      signalGroup('SIGTERM');
      const timer = setTimeout(() => signalGroup('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    };
    return { rank, host, pid: child.pid ?? -1, exited, stop };
  }
}

/** Local hosts' ranks start as children, other hosts' over the agent. */
export class HostSpawner implements RankSpawner {
  constructor(private readonly local: RankSpawner, private readonly remote: RankSpawner, private readonly isLocal: (host: string) => boolean) {}

  start(rank: number, host: string, env: Record<string, string>, jobToken: string): RankProcess {
    return (this.isLocal(host) ? this.local : this.remote).start(rank, host, env, jobToken);
  }

  prestart(hosts: readonly string[], env: Record<string, string>): void {
    this.local.prestart?.(hosts.filter(this.isLocal), env);
  }

  async discardPrestarted(): Promise<void> {
    await this.local.discardPrestarted?.();
  }
}
