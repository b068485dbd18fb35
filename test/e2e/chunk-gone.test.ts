// A committed chunk deleted from the job folder while the job runs (by hand, by a cleaner): the job says which,
// and the --resume it names restyles it.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli, startCli } from '../support/cli.js';
import { makeIndexedVideo, readIndices } from '../support/media.js';

describe('a committed chunk gone mid-job', () => {
  it('ends the job with a line naming it and the --resume that restyles it, which then finishes frame-exact', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stylerun-gone-'));
    const [model, input, output, work] = [join(dir, 'invert.onnx'), join(dir, 'in.mp4'), join(dir, 'out.mp4'), join(dir, 'work')];
    writeFileSync(model, invertModel());
    const frames = 60;
    await makeIndexedVideo(input, frames);
    const args = ['-n', '1', '--input', input, '--output', output, '--model', model, '--chunk-frames', '2', '--work-dir', work];
    const job = startCli(args, { cwd: dir });
    // the first chunk the journal vouches for is deleted as soon as it is there (29 more chunks are still to come)
    let deleted: string | undefined;
    while (!deleted) {
      const [id] = existsSync(work) ? readdirSync(work) : [];
      const journal = id ? join(work, id, 'journal.jsonl') : '';
      const line = journal && existsSync(journal) ? readFileSync(journal, 'utf8').split('\n')[0] : '';
      if (line) {
        deleted = join(work, id!, 'chunks', (JSON.parse(line) as { key: string }).key);
        rmSync(deleted);
      } else {
        await new Promise((res) => setTimeout(res, 10));
      }
    }
    const r = await job.done;
    expect(r.code).toBe(1);
    const last = r.stderr.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^stylerun: error: chunk \S+ \(frames 0-1\) was committed but is gone from .*\/chunks: finish it with stylerun --resume [0-9a-f]{8} .*, which restyles what is missing$/);
    expect(existsSync(output)).toBe(false);
    const id = /--resume ([0-9a-f]{8})/.exec(last)![1]!;
    const resumed = await runCli(['--resume', id, '--work-dir', work], { cwd: dir });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(await readIndices(output, true)).toEqual([...Array(frames).keys()]);
  });
});
