import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { cliPath, rootDir, runCli, type CliResult } from '../support/cli.js';
import { frameHashes, makeIndexedVideo, readIndices, videoPts } from '../support/media.js';
import { jobFolders, keptAfterSuccess } from '../support/job-folders.js';

function hasMpirun(): boolean {
  try {
    execFileSync('mpirun', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `mpirun -n N node stylerun ARGS` (Debian's Open MPI), as root where the tests run as root; `command`
 * replaces `node stylerun` (e.g. the Azure ML step's script). The variables of `env` are exported to every process.
 */
function mpirun(n: number, args: string[], opts: { cwd: string; env?: Record<string, string>; command?: string[] }): Promise<CliResult> {
  const exported = Object.keys(opts.env ?? {}).flatMap((k) => ['-x', k]);
  const child = spawn('mpirun', ['--oversubscribe', '-n', String(n), ...exported, ...(opts.command ?? [process.execPath, cliPath]), ...args], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env, OMPI_ALLOW_RUN_AS_ROOT: '1', OMPI_ALLOW_RUN_AS_ROOT_CONFIRM: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

/** A fresh folder with the invert model and an indexed video of `frames` frames. */
async function fixture(prefix: string, frames: number, media: { audio?: boolean } = {}): Promise<{ dir: string; model: string; input: string }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  writeFileSync(model, invertModel());
  await makeIndexedVideo(input, frames, media);
  return { dir, model, input };
}

// Debian's openmpi-bin, installed by .ci/run; a machine without Open MPI cannot run these
describe.skipIf(!hasMpirun())('stylerun started by Open MPI’s mpirun', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-engine-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'indexed.mp4');
  const frames = 97;
  const job = (output: string, work: string) => ['--input', input, '--output', output, '--model', model, '--device', 'cpu', '--chunk-frames', '4', '--work-dir', work];

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
  });

  it('styles the video once, every process being one rank, frame-exact', async () => {
    const output = join(dir, 'once.mp4');
    const work = join(dir, 'work-once');
    const r = await mpirun(3, job(output, work), { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^done: /gm)).toHaveLength(1); // one job, not three
    expect(r.stdout).toMatch(/frames 97, ranks 3 /);
    expect(r.stderr).toMatch(/started by openmpi: 3 ranks, job [0-9a-f]{8}/);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await videoPts(output)).toEqual(await videoPts(input));
    expect(jobFolders(work)).toEqual([keptAfterSuccess]); // the chunks, journal and start orders are gone after success
  }, 120_000);

  it('fails as a whole when a rank is killed, and the same command run again restyles no committed frame', async () => {
    const output = join(dir, 'rerun.mp4');
    const work = join(dir, 'work-rerun');
    const failed = await mpirun(3, job(output, work), { cwd: dir, env: { STYLERUN_FAULT: 'rank=1,attempt=1,after=28,action=crash' } });
    expect(failed.code, failed.stderr).not.toBe(0);
    // the rank's process exits 137; mpirun then stops every process, rank 0's launcher included, which says
    // how to finish the job if mpirun gives it the time to (chunks it had not yet verified and journaled
    // count as not committed)
    expect(failed.stderr).toMatch(/mpirun detected that one or more processes exited with non-zero status/);
    if (/stylerun: error/.test(failed.stderr)) expect(failed.stderr).toMatch(/stylerun: error: .*; finish it with the same mpirun command run again/);
    expect(existsSync(output)).toBe(false);
    const again = await mpirun(3, job(output, work), { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const committed = Number(/resuming: (\d+) frames already committed/.exec(again.stderr)?.[1]);
    expect(committed).toBeGreaterThan(0);
    expect(again.stdout).toMatch(new RegExp(`attempt 1: succeeded, \\d+ ranks, ${frames - committed} frames`));
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
    expect(await frameHashes(output)).toEqual(await frameHashes(join(dir, 'once.mp4')));
  }, 180_000);
});

describe.skipIf(!hasMpirun())('processes the job does not need', () => {
  it('end at once with exit code 0: the same command run again over a finished job only gathers', async () => {
    const { dir, model, input } = await fixture('stylerun-idle-', 30);
    const args = ['--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work'), '--keep-work'];
    const first = await mpirun(3, args, { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    const t0 = Date.now();
    const again = await mpirun(3, args, { cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/every frame is committed: nothing to style/);
    expect(again.stderr.match(/nothing to do \(the job needs fewer ranks than the engine started\)/g)).toHaveLength(2);
    expect(Date.now() - t0).toBeLessThan(60_000); // not the 120 s barrier timeout of a process left waiting
    expect(await readIndices(join(dir, 'out.mp4'), true)).toEqual([...Array(30).keys()]);
  }, 120_000);
});

describe.skipIf(!hasMpirun())('the Azure ML step (scripts/aml/style-step.sh)', () => {
  it('styles the mounted input into the output folder under mpirun with Azure ML’s variables', async () => {
    const { dir, model, input } = await fixture('stylerun-aml-', 37, { audio: true });
    const out = join(dir, 'outputs', 'styled');
    const root = rootDir;
    const r = await mpirun(2, [input, out, '--model', model, '--device', 'cpu'], {
      cwd: root, env: { AZ_BATCH_MASTER_NODE: '127.0.0.1:6105' }, command: ['bash', join(root, 'scripts', 'aml', 'style-step.sh')],
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/started by azureml: 2 ranks/);
    expect(await readIndices(join(out, 'styled.mp4'), true)).toEqual([...Array(37).keys()]);
  }, 120_000);
});

describe('stylerun started torchrun-style (RANK, WORLD_SIZE, LOCAL_RANK, LOCAL_WORLD_SIZE)', () => {
  it('styles the video once over three plain processes, frame-exact', async () => {
    const { dir, model, input } = await fixture('stylerun-torchrun-', 41);
    const output = join(dir, 'out.mp4');
    const args = ['--input', input, '--output', output, '--model', model, '--device', 'cpu', '--chunk-frames', '5', '--work-dir', join(dir, 'work')];
    const world = { WORLD_SIZE: '3', LOCAL_WORLD_SIZE: '3' };
    const runs = await Promise.all([0, 1, 2].map((r) => runCli(args, { cwd: dir, env: { ...world, RANK: String(r), LOCAL_RANK: String(r) } })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(runs[0].stdout).toMatch(/frames 41, ranks 3 /);
    expect(runs[1].stdout + runs[2].stdout).toBe('');
    expect(await readIndices(output, true)).toEqual([...Array(41).keys()]);
  }, 120_000);
});
