import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../../common/paths.js';
import { bundledModels, defaultModel, resolveModel, resolveOptions, resumedOptions } from '../../../launcher/cli/options.js';

// needs `npm run build`, as the whole suite does: matta is made by the build
describe('bundled model names', () => {
  it('resolve matta, the default, to the model the build made from its ml5 checkpoint', () => {
    expect(defaultModel).toBe('matta');
    expect(resolveModel(undefined)).toBe(join(packageRoot(), 'dist', 'models', 'matta.onnx'));
  });

  it('resolve the procedural styles to the committed models', () => {
    expect(resolveModel('painterly-wave')).toBe(join(packageRoot(), 'models', 'painterly-wave.onnx'));
  });

  it('list the built and the committed styles together', () => {
    expect(bundledModels()).toEqual(['matta', 'painterly-starry', 'painterly-wave']);
  });
});

describe('the chunk codec', () => {
  it('is h264 by default, with the chunk length left to the source’s frame rate', () => {
    const o = resolveOptions({ input: 'a.mp4', output: 'b.mp4' });
    expect(o.chunkCodec).toBe('h264');
    expect(o.chunkFrames).toBeUndefined();
  });

  it('stays what a resumed job’s chunks were written with', () => {
    expect(resumedOptions({ input: 'a.mp4', chunkCodec: 'h264' }, {}, '1a2b3c4d').chunkCodec).toBe('h264');
    // a record from before chunk codecs has FFV1 chunks
    expect(resumedOptions({ input: 'a.mp4' }, { n: 2 }, '1a2b3c4d')).toEqual({ input: 'a.mp4', n: 2, chunkCodec: 'ffv1' });
    expect(() => resumedOptions({ input: 'a.mp4', chunkCodec: 'ffv1' }, { chunkCodec: 'h264' }, '1a2b3c4d')).toThrow(
      'job 1a2b3c4d has ffv1 chunks; it cannot resume with --chunk-codec h264',
    );
  });
});

describe('hosts given but empty', () => {
  // mpirun refuses them; taking them as "no hosts" would run everything on this machine
  it.each([
    [{ host: '' }, '--host names no host'],
    [{ host: ' ' }, '--host names no host'],
    [{ hostfile: '' }, 'the hostfile is an empty name'],
  ])('%j is refused', (given, message) => {
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', ...given })).toThrow(message);
  });
});

describe('-x', () => {
  it.each([
    ['STYLERUN_DEVICE=cuda', '--device'],
    ['STYLERUN_GPUS=1', '--gpus'],
    ['STYLERUN_RANKS_PER_GPU=2', '--ranks-per-gpu'],
    ['STYLERUN_LOG_FORMAT=json', 'STYLERUN_LOG_FORMAT here'],
  ])('refuses %s, which the ranks get from %s', (spec, flag) => {
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', export: [spec] })).toThrow(`from ${flag}; use that instead`);
  });

  it('refuses the rank start-up variable', () => {
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', export: ['STYLERUN_BOOTSTRAP=stdin'] })).toThrow('stylerun sets STYLERUN_BOOTSTRAP for each rank itself');
  });
});

describe('seconds', () => {
  it.each([
    [{ timeout: 2_200_000 }, '--timeout must be at most 2147483 s (about 24 days), got 2200000'],
    [{ barrierTimeout: 1e20 }, '--barrier-timeout must be at most 2147483 s'],
  ])('beyond what a Node timer holds are refused: %j', (given, message) => {
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', ...given })).toThrow(message);
  });

  it('up to that are taken', () => {
    expect(resolveOptions({ input: 'a.mp4', output: 'b.mp4', timeout: 2_147_483 }).timeoutMs).toBe(2_147_483_000);
  });
});

describe('a number flag given a word', () => {
  // yargs turns it into NaN: the message says so rather than "got NaN"
  it('is refused without quoting NaN', () => {
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', n: Number.NaN })).toThrow('-n must be a positive integer (the value given is not a number)');
    expect(() => resolveOptions({ input: 'a.mp4', output: 'b.mp4', timeout: Number.NaN })).toThrow('--timeout must be a positive number of seconds (the value given is not a number)');
  });
});

describe('a resume', () => {
  it('runs without the --timeout its job was first given (the resume printed after a timeout stopped at the same point again), unless given one', () => {
    expect(resumedOptions({ input: 'a.mp4', output: 'b.mp4', chunkCodec: 'h264', timeout: 5 }, {}, '1a2b3c4d').timeout).toBeUndefined();
    expect(resumedOptions({ input: 'a.mp4', output: 'b.mp4', chunkCodec: 'h264', timeout: 5 }, { timeout: 60 }, '1a2b3c4d').timeout).toBe(60);
  });
});
