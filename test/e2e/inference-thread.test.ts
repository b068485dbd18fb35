import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { invertModel } from '../../scripts/onnx/test-models.js';
import { runCli } from '../support/cli.js';
import { frameHashes, makeIndexedVideo, readIndices } from '../support/media.js';

// Ranks run their model on a thread of their own on a GPU; STYLERUN_INFERENCE_THREAD=1 makes them do so on
// the CPU provider too, so that the thread's whole path (load, frames moved both ways, release) runs here.
describe('the model on a thread of its own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stylerun-thread-job-'));
  const input = join(dir, 'indexed.mp4');
  const model = join(dir, 'invert.onnx');
  const frames = 40;

  beforeAll(async () => {
    writeFileSync(model, invertModel());
    await makeIndexedVideo(input, frames, { audio: true });
  });

  it('gives the same output, frame for frame, as the model on the rank’s JavaScript thread', async () => {
    const run = async (thread: string) => {
      const output = join(dir, `thread-${thread}.mp4`);
      const r = await runCli(['-n', '2', '--input', input, '--output', output, '--model', model, '--batch-size', '3', '--chunk-frames', '8', '--work-dir', join(dir, 'work')], {
        cwd: dir, env: { STYLERUN_INFERENCE_THREAD: thread },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.includes('run on a thread of its own')).toBe(thread === '1');
      return output;
    };
    const [threaded, here] = [await run('1'), await run('0')];
    expect(await readIndices(threaded, true)).toEqual([...Array(frames).keys()]);
    expect(await frameHashes(threaded)).toEqual(await frameHashes(here));
  });
});
