import { mkdtempSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { makeIndexedVideo } from '../support/media.js';

interface LogRecord {
  level: string;
  time: string;
  tag: string;
  msg: string;
  job?: string;
  attempt?: number;
  rank?: number;
  host?: string;
  [key: string]: unknown;
}

// Without a terminal (a pipe, as here, CI or Azure ML) the launcher's and the ranks' logs are JSON lines,
// through pino; STYLERUN_LOG_FORMAT unset (the tests' default is text, vitest.config.ts).
describe('logs without a terminal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-log-format-'));
  const model = join(dir, 'invert.onnx');
  const input = join(dir, 'in.mp4');

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, 40);
  });

  it('are one JSON object a line, each with level, time, who, and the job, attempt, rank and host it concerns', async () => {
    // --precision fp16 on the CPU: each rank warns once that it stays fp32, a record of its own
    const r = await runCli(['-n', '2', '--input', input, '--output', join(dir, 'out.mp4'), '--model', model, '--work-dir', join(dir, 'work'), '--chunk-frames', '10', '--precision', 'fp16', '--device', 'cpu'], {
      cwd: dir, env: { STYLERUN_LOG_FORMAT: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    const records = r.stderr.trim().split('\n').map((line) => JSON.parse(line) as LogRecord);
    for (const rec of records) {
      expect(['debug', 'info', 'warn', 'error']).toContain(rec.level);
      expect(new Date(rec.time).toISOString()).toBe(rec.time);
      expect(rec.tag).toMatch(/^(stylerun|rank \d)$/);
      expect(typeof rec.msg).toBe('string');
      expect(rec.host).toBe(hostname());
    }
    const jobId = /^job ([0-9a-f]{8}) \(work folder/.exec(records.find((x) => x.msg.startsWith('job '))!.msg)![1];
    // the launcher's records carry the job once it has an id; the attempt's, its attempt
    const launcher = records.filter((x) => x.tag === 'stylerun');
    expect(launcher.filter((x) => x.job === jobId).length).toBeGreaterThan(3);
    expect(launcher.find((x) => x.msg.startsWith('barrier passed'))).toMatchObject({ job: jobId, attempt: 1, ms: expect.any(Number) });
    // each rank's own records, passed on whole by the launcher
    for (const rank of [0, 1]) {
      const own = records.filter((x) => x.tag === `rank ${rank}`);
      expect(own.length).toBeGreaterThan(0);
      for (const rec of own) expect(rec).toMatchObject({ rank, attempt: 1, job: jobId });
      expect(own.some((x) => x.level === 'warn' && /fp16/.test(x.msg))).toBe(true);
    }
    // progress records with every figure: at least the one at the end of the attempt
    const progress = records.filter((x) => x.event === 'progress');
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.at(-1)).toMatchObject({ job: jobId, attempt: 1, frames_done: 40, total_frames: 40, frames_per_s: expect.any(Number) });
    expect((progress.at(-1)!.ranks as unknown[]).map((x) => x as Record<string, unknown>)).toEqual([
      expect.objectContaining({ rank: 0, first: 0, last: 19, frames: 20, done: 20, provider: 'cpu' }),
      expect.objectContaining({ rank: 1, first: 20, last: 39, frames: 20, done: 20, provider: 'cpu' }),
    ]);
    // the summary is for people, on stdout
    expect(r.stdout).toMatch(/^done: /);
  }, 120_000);

  it('end a job that fails with the one-line error in words, after the records', async () => {
    const r = await runCli(['--input', join(dir, 'missing.mp4'), '--output', join(dir, 'x.mp4'), '--model', model], { cwd: dir, env: { STYLERUN_LOG_FORMAT: '' } });
    expect(r.code).toBe(3);
    const lines = r.stderr.trim().split('\n');
    expect(lines.pop()).toMatch(/^stylerun: error: .*missing\.mp4/);
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('read as text with STYLERUN_LOG_FORMAT=text, tagged and without the context the tag implies', async () => {
    const r = await runCli(['-n', '1', '--input', input, '--output', join(dir, 'text.mp4'), '--model', model, '--work-dir', join(dir, 'work'), '--precision', 'fp16', '--device', 'cpu'], { cwd: dir, env: { STYLERUN_LOG_FORMAT: 'text' } });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^\[stylerun\] /m);
    expect(r.stderr).toMatch(/^\[rank 0\] warn: .*fp16/m);
    expect(r.stderr).not.toMatch(/\{"level"/);
    expect(r.stderr).not.toMatch(/ job=| host=/);
  }, 120_000);
});
