import * as protoLoader from '@grpc/proto-loader';
import type * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { protoPath, stylerunProto } from '../../common/proto.js';

// The service definition is made from protobufjs directly (common/proto.ts); @grpc/proto-loader, which
// generates the committed types, is the reference it must agree with, byte for byte and object for object.
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
});
