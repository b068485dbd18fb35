import * as protoLoader from '@grpc/proto-loader';
import type * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { conversionOptions, messageCoder, protoPath, stylerunProto } from '../../common/proto.js';

// The service definition is made from static coders generated from the .proto (common/proto.ts); @grpc/proto-loader,
// which generates the committed types, is the reference it must agree with, object for object.
const reference = protoLoader.loadSync(protoPath, { keepCase: true, longs: Number, enums: String, defaults: true, oneofs: true })['stylerun.v1.Coordinator'] as grpc.ServiceDefinition;
const ours = stylerunProto().Coordinator.service as unknown as grpc.ServiceDefinition;

const samples: Record<string, { request: object; response: object }> = {
  Attach: {
    request: { chunk_committed: { start: 2 ** 40 + 3, count: 16, name: 'chunk-000002.mp4', sha256: 'ab'.repeat(32) } },
    response: { assignment: { ranges: [{ start: 0, count: 2 }], input: '/in.mp4', chunk_frames: 16, width: 320, height: 240, input_served: true } },
  },
  Status: { request: { job_token: 'secret' }, response: { job_id: 'c0ffee01', state: 'running', total_frames: 823, committed_frames: 0, ranks: [] } },
};

describe('the control plane contract as loaded (common/proto.ts)', () => {
  it('names every method, path and stream kind as proto-loader does', () => {
    const shape = (d: grpc.ServiceDefinition) => Object.entries(d).map(([name, m]) => [name, m.path, m.requestStream, m.responseStream, m.originalName]);
    expect(shape(ours)).toEqual(shape(reference));
  });

  // proto-loader's protobufjs (7) writes a zero it was given; ours (8) leaves it out, as proto3 allows: the
  // bytes may differ, what either side reads from the other's may not
  it.each(Object.keys(samples))('reads %s messages proto-loader writes, and writes ones it reads alike: 64-bit numbers, oneofs, defaults', (method) => {
    const { request, response } = samples[method]!;
    const [o, r] = [ours[method]!, reference[method]!];
    const expected = [r.requestDeserialize(r.requestSerialize(request)), r.responseDeserialize(r.responseSerialize(response))];
    expect([o.requestDeserialize(r.requestSerialize(request)), o.responseDeserialize(r.responseSerialize(response))]).toEqual(expected);
    expect([r.requestDeserialize(o.requestSerialize(request)), r.responseDeserialize(o.responseSerialize(response))]).toEqual(expected);
    expect([o.requestDeserialize(o.requestSerialize(request)), o.responseDeserialize(o.responseSerialize(response))]).toEqual(expected);
  });

  it('refuses an array where a message belongs, as proto-loader does', () => {
    expect(() => ours.Status!.requestSerialize([] as unknown as object)).toThrow(/expected object/);
  });

  // The committed coders are generated code: a .proto changed without `npm run gen:proto` must fail here. Every
  // message type of the .proto, with every field set (each oneof member in turn), must read alike both ways
  // between protobufjs's reflection of the .proto and the static coders.
  const root = new protobuf.Root().loadSync(protoPath, { keepCase: true }).resolveAll();
  const types = (root.lookup('stylerun.v1') as protobuf.Namespace).nestedArray.filter((n): n is protobuf.Type => n instanceof protobuf.Type);

  it.each(types.map((t) => t.name))('codes every field of %s as the .proto declares it', (name) => {
    const type = root.lookupType(`stylerun.v1.${name}`);
    const samples = fullSamples(type, 0);
    expect(samples.length).toBeGreaterThan(0);
    const coder = messageCoder(name);
    for (const sample of samples) {
      const expected = type.toObject(type.decode(type.encode(type.fromObject(sample)).finish()), conversionOptions);
      expect(coder.toObject(coder.decode(type.encode(type.fromObject(sample)).finish()), conversionOptions)).toEqual(expected);
      expect(type.toObject(type.decode(coder.encode(coder.fromObject(sample)).finish()), conversionOptions)).toEqual(expected);
    }
  });
});

/** A value for every field of `type`, none of them the default; one sample per member of its oneofs. */
function fullSamples(type: protobuf.Type, depth: number): Record<string, unknown>[] {
  const plain: Record<string, unknown> = {};
  for (const f of type.fieldsArray.filter((f) => !f.partOf)) plain[f.name] = fieldValue(f, depth);
  const members = type.oneofsArray.flatMap((o) => o.fieldsArray);
  return members.length === 0 ? [plain] : members.map((f) => ({ ...plain, [f.name]: fieldValue(f, depth) }));
}

function fieldValue(f: protobuf.Field, depth: number): unknown {
  const one = (): unknown => {
    if (f.resolvedType instanceof protobuf.Enum) return Object.keys(f.resolvedType.values).at(-1);
    if (f.resolvedType instanceof protobuf.Type) return depth > 3 ? {} : fullSamples(f.resolvedType, depth + 1).at(-1);
    if (/int64|fixed64/.test(f.type)) return 2 ** 40 + 7;
    if (/int32|fixed32/.test(f.type)) return 7;
    if (f.type === 'double' || f.type === 'float') return 1.5;
    if (f.type === 'bool') return true;
    if (f.type === 'bytes') return Buffer.from([1, 2, 3]);
    if (f.type === 'string') return `x-${f.name}`;
    throw new Error(`no sample for ${f.type}`);
  };
  return f.repeated ? [one(), one()] : one();
}

