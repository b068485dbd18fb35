import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log.js';
import { bootstrapLine } from '../../../common/rank-bootstrap.js';
import { killAllGroups } from '../../../launcher/spawn/local.js';
import { remoteCommand, SshSpawner } from '../../../launcher/spawn/ssh.js';

/** Whether `pid` runs: not gone, and not a zombie waiting for its parent (init, once its agent is gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function ended(pid: number): Promise<boolean> {
  for (let i = 0; i < 100 && running(pid); i++) await sleep(10);
  return !running(pid);
}

describe('the remote command of a rank started over ssh', () => {
  it('names only the node and the rank entry: the environment and the token go down stdin', () => {
    expect(remoteCommand('/usr/bin/node', "/opt/style run/it's/main.js")).toBe("STYLERUN_BOOTSTRAP=stdin exec '/usr/bin/node' '/opt/style run/it'\\''s/main.js'");
    const line = bootstrapLine({ env: { STYLERUN_RANK: '1' }, jobToken: 'secret' });
    expect(line.endsWith('\n')).toBe(true);
    expect(JSON.parse(line)).toEqual({ env: { STYLERUN_RANK: '1' }, jobToken: 'secret' });
  });
});

describe('a launch agent that forks', () => {
  // a wrapper script that starts something of its own (its ssh, here a sleep holding its stderr) and waits
  function forkingAgent(dir: string): { agent: string; childPidFile: string } {
    const agent = join(dir, 'agent.sh');
    const childPidFile = join(dir, 'child.pid');
    writeFileSync(agent, `#!/bin/sh\nsleep 300 &\necho $! > ${childPidFile}\nwait\n`, { mode: 0o755 });
    return { agent, childPidFile };
  }

  async function childOf(childPidFile: string): Promise<number> {
    for (let i = 0; i < 200 && !existsSync(childPidFile); i++) await sleep(10);
    for (let i = 0; i < 200 && readFileSync(childPidFile, 'utf8').trim() === ''; i++) await sleep(10);
    return Number(readFileSync(childPidFile, 'utf8').trim());
  }

  it('is stopped with everything it started', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-agent-'));
    const { agent, childPidFile } = forkingAgent(dir);
    const rank = new SshSpawner(createLogger('test', () => {}), [agent], 'node', '/nowhere/main.js').start(1, 'farhost', {}, 'token');
    const child = await childOf(childPidFile);
    expect(running(child)).toBe(true);
    await rank.stop(200);
    await rank.exited;
    expect(await ended(child)).toBe(true);
  });

  it('is killed with everything it started when the launcher is forced out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-agent-'));
    const { agent, childPidFile } = forkingAgent(dir);
    const rank = new SshSpawner(createLogger('test', () => {}), [agent], 'node', '/nowhere/main.js').start(1, 'farhost', {}, 'token');
    const child = await childOf(childPidFile);
    killAllGroups(); // what the launcher runs on its way out, after a second Ctrl-C
    await rank.exited;
    expect(await ended(child)).toBe(true);
  });
});
