import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMakeHosts, makeHosts, type NsHosts } from '../../scripts/netns/hosts.js';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { cliPath, runCli, type CliResult } from '../support/cli.js';
import { frameHashes, makeIndexedVideo, readIndices, videoPts } from '../support/media.js';

// A Kubernetes Indexed Job as scripts/k8s/indexed-job.yaml runs it: one process per pod, each with its
// JOB_COMPLETION_INDEX and STYLERUN_WORLD_SIZE, the same command everywhere, only the job folder on a shared
// volume. Pods 1 and 2 run in network namespaces (hosts of their own) where a tmpfs hides the folder holding
// the input and the model; pod 0 runs here, and the others reach it at its address (the headless service).
describe.skipIf(!canMakeHosts())('stylerun as a Kubernetes Indexed Job over three machines', () => {
  const hidden = mkdtempSync(join(tmpdir(), 'stylerun-k8s-data-')); // input and model: pod 0's alone
  const shared = mkdtempSync(join(tmpdir(), 'stylerun-k8s-jobs-')); // the shared volume
  const model = join(hidden, 'invert.onnx');
  const input = join(hidden, 'indexed.mp4');
  const frames = 90;
  let net: NsHosts;

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
    net = await makeHosts(['pod1', 'pod2'], hidden);
  }, 60_000);

  afterAll(() => net?.destroy());

  /** The pods' command, run on pod 0 here and in pods 1 and 2; resolves with each pod's result. */
  async function indexedJob(output: string): Promise<CliResult[]> {
    const args = ['--input', input, '--output', output, '--model', model, '--device', 'cpu', '--chunk-frames', '6', '--work-dir', shared, '--coordinator-address', net.launcherAddress];
    const env = (index: number) => ({ JOB_COMPLETION_INDEX: String(index), STYLERUN_WORLD_SIZE: '3' });
    const pods = ['pod1', 'pod2'].map((pod, i) => {
      const child = net.start(pod, [process.execPath, cliPath, ...args], env(i + 1));
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
      return new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
    });
    return Promise.all([runCli(args, { cwd: shared, env: env(0) }), ...pods]);
  }

  it('styles the video once, frame-exact, the other pods reading the input through pod 0', async () => {
    const output = join(hidden, 'styled.mp4');
    const [zero, one, two] = await indexedJob(output);
    for (const r of [zero!, one!, two!]) expect(r.code, r.stderr).toBe(0);
    expect(zero!.stderr).toMatch(/started by kubernetes: 3 ranks/);
    expect(zero!.stdout).toMatch(new RegExp(`frames ${frames}, ranks 3 `));
    expect(one!.stdout + two!.stdout).toBe('');
    // the ranks name the hosts they run on, not stand-ins
    expect(zero!.stderr).not.toMatch(/\?rank-/);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
    const again = join(hidden, 'again.mp4');
    for (const r of await indexedJob(again)) expect(r.code, r.stderr).toBe(0);
    expect(await frameHashes(again)).toEqual(await frameHashes(output));
  }, 180_000);
});
