import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../common/log.js';
import { openJobInput } from '../../../launcher/job/job-input.js';
import { inputDigest, modelDigest } from '../../../launcher/job/source-identity.js';
import { externalDataLocations } from '../../../models/onnx/external-data.js';
import { concat, lenField } from '../../../models/onnx/wire.js';
import { invertModel } from '../../../scripts/onnx/test-models.js';
import { startAzurite, type Azurite } from '../../../scripts/azurite/azurite.js';

const dir = mkdtempSync(join(tmpdir(), 'stylerun-source-identity-'));
// the digest reads 1 MiB at each end: a file of 3.5 MiB has a middle it does not read
const original = join(dir, 'original.bin');
const bytes = randomBytes(3.5 * 2 ** 20);
writeFileSync(original, bytes);
const info = { width: 320, height: 240, pts: [0, 1, 2] };

/** A copy of the original with byte `at` changed (or cut to `length`). */
function variant(name: string, change: { at?: number; length?: number }): string {
  const b = Buffer.from(bytes.subarray(0, change.length ?? bytes.length));
  if (change.at !== undefined) b[change.at] ^= 0xff;
  const path = join(dir, name);
  writeFileSync(path, b);
  return path;
}

describe('inputDigest', () => {
  it('is the same for a copy of the input at another path', async () => {
    const copy = join(dir, 'copy.bin');
    copyFileSync(original, copy);
    expect(await inputDigest(copy, info)).toBe(await inputDigest(original, info));
  });

  it('differs where the first or last MiB, the size or the frame count differ', async () => {
    const was = await inputDigest(original, info);
    expect(await inputDigest(variant('head.bin', { at: 1000 }), info)).not.toBe(was);
    expect(await inputDigest(variant('tail.bin', { at: bytes.length - 1000 }), info)).not.toBe(was);
    expect(await inputDigest(variant('short.bin', { length: bytes.length - 1 }), info)).not.toBe(was);
    expect(await inputDigest(original, { ...info, pts: [0, 1] })).not.toBe(was);
  });

  it('reads a small file whole, its two ends overlapping', async () => {
    const small = variant('small.bin', { length: 1000 });
    expect(await inputDigest(small, info)).toBe(await inputDigest(variant('small-copy.bin', { length: 1000 }), info));
    expect(await inputDigest(small, info)).not.toBe(await inputDigest(variant('small-other.bin', { length: 1000, at: 999 }), info));
  });
});

describe('modelDigest', () => {
  it('is the sha256 of the whole file for a model without external data', async () => {
    const model = join(dir, 'invert.onnx');
    writeFileSync(model, invertModel());
    expect(await modelDigest(model, readFileSync(model))).toBe(createHash('sha256').update(readFileSync(model)).digest('hex'));
  });

  it('changes with the external data file a model\'s weights live in, though the .onnx file stays the same', async () => {
    // a ModelProto whose graph has one initializer stored in "weights.bin" beside it (only the fields read)
    const entry = (key: string, value: string) => lenField(13, concat([lenField(1, Buffer.from(key)), lenField(2, Buffer.from(value))]));
    const tensor = concat([lenField(8, Buffer.from('w')), entry('location', 'weights.bin'), entry('offset', '0')]);
    const model = join(dir, 'external.onnx');
    writeFileSync(model, lenField(7, lenField(5, tensor)));
    expect(externalDataLocations(readFileSync(model))).toEqual(['weights.bin']);
    writeFileSync(join(dir, 'weights.bin'), Buffer.from([1, 2, 3]));
    const first = await modelDigest(model, readFileSync(model));
    writeFileSync(join(dir, 'weights.bin'), Buffer.from([1, 2, 4]));
    expect(await modelDigest(model, readFileSync(model))).not.toBe(first);
    writeFileSync(join(dir, 'weights.bin'), Buffer.from([1, 2, 3]));
    expect(await modelDigest(model, readFileSync(model))).toBe(first);
  });
});

describe('inputDigest of a blob read through the loopback relay', () => {
  let azurite: Azurite;
  beforeAll(async () => {
    azurite = await startAzurite();
    await azurite.service.createContainer('uploads');
    await azurite.service.getContainerClient('uploads').getBlockBlobClient('in/original.bin').uploadFile(original);
  }, 60_000);
  afterAll(() => azurite?.stop());

  it('is the digest of its local copy (its two ends read by Range requests)', async () => {
    const url = `${azurite.endpoint}/uploads/in/original.bin?${azurite.sas('uploads', 'r')}`;
    const input = await openJobInput(url, createLogger('test', () => {}));
    try {
      expect(input.path).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
      expect(await inputDigest(input.path, info)).toBe(await inputDigest(original, info));
    } finally {
      await input.close();
    }
  });
});
