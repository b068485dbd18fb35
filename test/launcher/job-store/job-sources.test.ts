import { describe, expect, it } from 'vitest';
import { describeChanges, sourceChanges, type JobSources } from '../../../launcher/job-store/job-sources.js';

const began: JobSources = { input: 'aaa', model: 'mmm', chunks: { codec: 'h264', crf: 18, preset: 'veryfast', pix_fmt: 'yuv420p', color_space: '' } };
const names = { input: 'in.mp4', model: 'style.onnx' };

describe('sourceChanges', () => {
  it('finds nothing when the input, the model and the chunk encoding are what the job began with', () => {
    expect(sourceChanges(began, { ...began, chunks: { ...began.chunks } })).toEqual([]);
  });

  it('finds nothing to compare in a record kept before sources were', () => {
    expect(sourceChanges(undefined, { ...began, input: 'bbb' })).toEqual([]);
  });

  it('names the input, the model and each encoding field that differ', () => {
    const now: JobSources = { input: 'bbb', model: 'nnn', chunks: { ...began.chunks, crf: 20, color_space: 'bt709' } };
    expect(sourceChanges(began, now)).toEqual([
      { kind: 'input' },
      { kind: 'model' },
      { kind: 'chunks', fields: [{ name: 'color_space', was: '', now: 'bt709' }, { name: 'crf', was: '18', now: '20' }] },
    ]);
  });

  it('counts a field the older encoding lacks as unset, and one left unset now as no change', () => {
    const now: JobSources = { ...began, chunks: { ...began.chunks, yuv_matrix: 'bt709', color_trc: '' } };
    expect(sourceChanges(began, now)).toEqual([{ kind: 'chunks', fields: [{ name: 'yuv_matrix', was: '', now: 'bt709' }] }]);
  });
});

describe('describeChanges', () => {
  it('says in one line which sources are not what the job began with', () => {
    const line = describeChanges([{ kind: 'input' }, { kind: 'chunks', fields: [{ name: 'color_space', was: '', now: 'bt709' }] }], names);
    expect(line).toBe('the input in.mp4 is not the video the job began with (its size, its first or last MiB, or its frames differ); '
      + 'its chunks were encoded otherwise (color_space (unset) → bt709: another stylerun, or another ffmpeg, began the job)');
    expect(line).not.toMatch(/\n/);
  });
});
