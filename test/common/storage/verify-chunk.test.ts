import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sha256File } from '../../../common/checksums.js';
import { ffmpegPath } from '../../../common/ffmpeg/binaries.js';
import { runTool } from '../../../common/ffmpeg/run.js';
import { ChunkRejectedError } from '../../../common/storage/chunk-rejected-error.js';
import { verifyChunk } from '../../../common/storage/verify-chunk.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-verify-'));
const chunk = join(dir, 'chunk-000000000-3.nut');
let sha256 = '';

beforeAll(async () => {
  await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25', '-frames:v', '3', '-c:v', 'ffv1', '-f', 'nut', chunk]);
  sha256 = await sha256File(chunk);
});

describe('verifyChunk', () => {
  it('accepts a chunk with the reported checksum and frame count', async () => {
    await expect(verifyChunk(chunk, sha256, 3)).resolves.toBeUndefined();
  });

  it('rejects a chunk whose bytes do not hash to the reported checksum, naming it and the reason', async () => {
    const error = await verifyChunk(chunk, '0'.repeat(64), 3).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChunkRejectedError);
    expect(error).toMatchObject({ code: 'CHUNK_REJECTED', reason: 'checksum', key: 'chunk-000000000-3.nut', path: chunk });
    expect((error as Error).message).toBe(`chunk ${chunk} checksum mismatch`);
  });

  it('rejects a chunk that holds another number of frames than it claims', async () => {
    const error = await verifyChunk(chunk, sha256, 4).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ChunkRejectedError', reason: 'frame-count', message: `chunk ${chunk} holds 3 frames, not 4` });
  });

  it('counts an H.264 chunk from its own sample table and still rejects a wrong count', async () => {
    const mp4 = join(dir, 'chunk-000000000-5.mp4');
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25', '-frames:v', '5', '-c:v', 'libx264', '-f', 'mp4', '-use_editlist', '0', mp4]);
    const sum = await sha256File(mp4);
    await expect(verifyChunk(mp4, sum, 5)).resolves.toBeUndefined();
    const error = await verifyChunk(mp4, sum, 6).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'ChunkRejectedError', reason: 'frame-count', message: `chunk ${mp4} holds 5 frames, not 6` });
    expect(await verifyChunk(mp4, '0'.repeat(64), 5).catch((e: unknown) => e)).toMatchObject({ reason: 'checksum' });
  });

  it('counts an MP4 chunk it cannot read the table of with ffprobe', async () => {
    const fragmented = join(dir, 'chunk-000000005-4.mp4');
    await runTool(ffmpegPath(), ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=32x32:rate=25', '-frames:v', '4', '-c:v', 'libx264', '-movflags', 'frag_keyframe+empty_moov', '-f', 'mp4', fragmented]);
    const sum = await sha256File(fragmented);
    await expect(verifyChunk(fragmented, sum, 4)).resolves.toBeUndefined();
    expect(await verifyChunk(fragmented, sum, 3).catch((e: unknown) => e)).toMatchObject({ reason: 'frame-count', message: `chunk ${fragmented} holds 4 frames, not 3` });
  });

  it('rejects a missing chunk and keeps the file error as its cause', async () => {
    for (const gone of [join(dir, 'chunk-000000003-3.nut'), join(dir, 'chunk-000000003-3.mp4')]) {
      const error = await verifyChunk(gone, sha256, 3).catch((e: unknown) => e);
      expect(error).toMatchObject({ reason: 'missing', message: `chunk ${gone} is missing` });
      expect((error as Error).cause).toMatchObject({ code: 'ENOENT' });
    }
  });
});
