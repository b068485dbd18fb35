// The 3-host job's wall time against -n 3 on one host, side by side in one run (issue #8): the reference
// workload (823 frames of 720x720, AAC) with the invert model (the data plane alone), three ranks on three
// network-namespace hosts that share no disk with the launcher (scripts/netns/hosts.ts: input served over
// HTTPS, chunks back over PutChunk, TLS), against three local ranks. Every host is this machine's CPU, so the
// ratio is the cost of going through the network, not of other machines.
// Usage (root, project root, after the build): [REPEAT=2] node dist/scripts/bench/three-hosts.js
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ffmpegPath } from '../../common/ffmpeg/binaries.js';
import { makeHosts } from '../netns/hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-bench-hosts-'));
const input = join(dir, 'ref.mp4');
const model = join(dir, 'invert.onnx');
const source = join('..', 'shared', 'data', 'video', 'friday.mp4');
execFileSync('bash', ['-c', `. scripts/bench/workload.sh && reference_workload ${ffmpegPath()} ${source} ${input} && invert_model ${model}`], { stdio: 'inherit' });
const hostfile = join(dir, 'hosts.txt');
writeFileSync(hostfile, 'hosta slots=1\nhostb slots=1\nhostc slots=1\n');
const net = await makeHosts(['hosta', 'hostb', 'hostc'], dir);

function timed(label: string, args: string[]): void {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['dist/launcher/cli/cli.js', ...args, '--input', input, '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'jobs')], { encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  const barrier = /time to barrier ([0-9.]+) s/.exec(r.stdout)?.[1];
  console.log(`${label}: rc=${r.status} wall_s=${wall.toFixed(2)} barrier_s=${barrier}`);
}

try {
  console.log(`# machine: ${cpus().length} cores; node ${process.version}; ${new Date().toISOString()}`);
  for (let i = 0; i < Number(process.env.REPEAT ?? 2); i++) {
    timed('-n 3 on this host', ['-n', '3', '--output', join(dir, 'local.mp4')]);
    timed('-n 3 on three namespace hosts', ['-n', '3', '--hostfile', hostfile, '--launch-agent', net.launchAgent, '--coordinator-address', net.launcherAddress, '--output', join(dir, 'hosts.mp4')]);
  }
} finally {
  net.destroy();
}
