import { describe, expect, it } from 'vitest';
import { engineIdentity, engineJobId } from '../../../launcher/cli/engine-run.js';

describe('an engine job', () => {
  const job = { input: '/v/a.mp4', output: '/v/b.mp4', modelPath: '/m/matta.onnx', chunkCodec: 'h264' as const };

  it('has the same id in every process, and on every run of the same command', () => {
    expect(engineJobId(job)).toMatch(/^[0-9a-f]{8}$/);
    expect(engineJobId({ ...job })).toBe(engineJobId(job));
  });

  it('has another id for another output, model or chunk codec', () => {
    const ids = [job, { ...job, output: '/v/c.mp4' }, { ...job, modelPath: '/m/x.onnx' }, { ...job, chunkCodec: 'ffv1' as const }].map(engineJobId);
    expect(new Set(ids).size).toBe(4);
  });

  it('is recognised by the engine’s variables, not by the ones stylerun gives its own ranks', () => {
    expect(engineIdentity({ OMPI_COMM_WORLD_RANK: '1', OMPI_COMM_WORLD_SIZE: '2' })?.source).toBe('openmpi');
    expect(engineIdentity({ STYLERUN_RANK: '1', STYLERUN_WORLD_SIZE: '2' })).toBeUndefined();
    expect(engineIdentity({})).toBeUndefined();
  });
});
