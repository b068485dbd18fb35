import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { rankPids, startCli } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

/** What a job token looks like (24 random bytes in hex); no other 48-hex-digit run belongs in a rank's environment. */
const tokenShape = /[0-9a-f]{48}/;

describe('the job token', () => {
  it('is in neither the environment nor the command line of a running rank, nor in the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-token-'));
    const model = join(dir, 'invert.onnx');
    const input = join(dir, 'in.mp4');
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 4);
    // rank 0 hangs before it says ready, so rank 1 waits at the barrier until the heartbeat timeout ends the job
    const { child, done } = startCli(
      ['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--device', 'cpu',
        '--heartbeat-timeout', '3', '--max-restarts', '0', '--work-dir', join(dir, 'work')],
      { cwd: dir, env: { STYLERUN_FAULT: 'rank=0,after=ready,action=hang' } },
    );
    let stderr = '';
    child.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    while (!rankPids(stderr).length && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    const [pid] = rankPids(stderr);
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const r = await done;
    expect(r.code, r.stderr).toBe(7);
    // a process the launcher started as a rank: ahead of the job, so its rank came on stdin with the token
    expect(environ).toContain(`STYLERUN_PARENT_PID=${child.pid}`);
    expect(environ).toContain('STYLERUN_BOOTSTRAP=stdin');
    expect(environ).not.toMatch(/STYLERUN_JOB_TOKEN=/);
    expect(environ).not.toMatch(tokenShape);
    expect(cmdline).not.toMatch(tokenShape);
    expect(r.stderr + r.stdout).not.toMatch(tokenShape);
  });
});
