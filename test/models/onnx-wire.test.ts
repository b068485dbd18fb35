import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concat, splitFields, varintValue } from '../../models/onnx/wire.js';
import { dataDir } from '../support/cli.js';

const models = {
  'mobile-style.onnx': join(dataDir, 'models', 'mobile-style.onnx'),
  'painterly-starry.onnx': new URL('../../models/painterly-starry.onnx', import.meta.url).pathname,
  'painterly-wave.onnx': new URL('../../models/painterly-wave.onnx', import.meta.url).pathname,
};

describe('the protobuf wire reader', () => {
  it.each(Object.entries(models))('splits %s and its graph into fields that join back byte for byte', (_, path) => {
    const bytes = readFileSync(path);
    const fields = splitFields(bytes);
    expect(Buffer.from(concat(fields.map((f) => f.raw))).equals(bytes)).toBe(true);
    const graph = fields.find((f) => f.number === 7)!.payload;
    expect(Buffer.from(concat(splitFields(graph).map((f) => f.raw))).equals(Buffer.from(graph))).toBe(true);
  });

  it('reads a varint past 2^32 exactly', () => {
    const [field] = splitFields(Uint8Array.of(0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20));
    expect(varintValue(field!)).toBe(2 ** 40);
  });

  it('throws on a length that runs past the end instead of reading garbage', () => {
    expect(() => splitFields(Uint8Array.of(0x3a, 0x05, 0x01))).toThrow(/runs past the end/);
  });
});
