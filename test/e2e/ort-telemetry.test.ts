import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { rankPids, startCli } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

// onnxruntime 1.29 (Linux) writes /tmp/mat-debug-PID.log for each process that creates a session, as its
// telemetry starts, unless it finds itself in CI (these variables) or is told not to (ORT_DISABLE_TELEMETRY)
const notCi = { CI: '', GITHUB_ACTIONS: '', GITLAB_CI: '', TF_BUILD: '', JENKINS_URL: '', CODEBUILD_BUILD_ID: '' };

/** Runs a 2-rank job; the launcher's and the ranks' telemetry files made since it started, and the job's folder. */
async function telemetryFilesOfAJob(env: Record<string, string>): Promise<{ made: string[]; cwd: string[]; code: number | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-ort-telemetry-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'in.mp4');
  writeFileSync(model, invertModel());
  await makeIndexedVideo(input, 8);
  const since = Date.now() - 1000;
  const { child, done } = startCli(
    ['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--device', 'cpu', '--work-dir', join(dir, 'work')],
    { cwd: dir, env: { ...notCi, ...env } },
  );
  const r = await done;
  const pids = [child.pid!, ...rankPids(r.stderr)];
  expect(pids.length, r.stderr).toBe(3);
  const made = pids.map((pid) => `/tmp/mat-debug-${pid}.log`).filter((f) => existsSync(f) && statSync(f).mtimeMs >= since);
  return { made, cwd: readdirSync(dir).filter((f) => f.endsWith('.ses')), code: r.code };
}

describe("onnxruntime's telemetry in a job", () => {
  it('is off in the launcher and every rank: no file in /tmp, none in the working folder', async () => {
    const r = await telemetryFilesOfAJob({});
    expect(r.code).toBe(0);
    expect(r.made).toEqual([]);
    expect(r.cwd).toEqual([]);
  }, 60_000);

  it('is off too where the ranks run their model on a thread of its own (started before the rank has its job)', async () => {
    const r = await telemetryFilesOfAJob({ STYLERUN_INFERENCE_THREAD: '1' });
    expect(r.code).toBe(0);
    expect(r.made).toEqual([]);
    expect(r.cwd).toEqual([]);
  }, 60_000);

  it('stays on where the user asks for onnxruntime’s default (ORT_DISABLE_TELEMETRY=0), as this test can see', async () => {
    const r = await telemetryFilesOfAJob({ ORT_DISABLE_TELEMETRY: '0' });
    expect(r.code).toBe(0);
    expect(r.made.length).toBe(3);
  }, 60_000);
});
