import { describe, expect, it } from 'vitest';
import { combinedChecksum } from '../../../common/checksums.js';
import type { GroupState } from '../../../launcher/coordinator/group-state.js';
import { recordMessage, type MessageContext } from '../../../launcher/coordinator/rank-messages.js';
import { newRankRecord, standInHost, type RankRecord } from '../../../launcher/coordinator/rank-record.js';
import type { RankStream, ServerEvent } from '../../../launcher/coordinator/server.js';
import type { RankMessage__Output } from '../../../proto/generated/stylerun/v1/RankMessage.js';

const nowMs = 50_000;
const stream: RankStream = { rank: 1, attempt: 1, send: () => {}, end: () => {} };
const sha = (n: number) => String(n).repeat(64).slice(0, 64);

/** Rank 1 on node-b, assigned 48 frames, last heard from long ago. */
function record(fields: Partial<RankRecord> = {}): RankRecord {
  const r = newRankRecord(1, 'node-b', { ranges: [{ start: 48, count: 48 }] });
  return { ...r, lastSeenMs: 0, ...fields };
}

function ctx(fields: Partial<MessageContext> = {}): MessageContext {
  return { nowMs, groupState: 'rendezvous', worldSize: 4, modelNote: '', ...fields };
}

function message(msg: RankMessage__Output): ServerEvent {
  return { kind: 'message', stream, msg };
}

function join(worldSize: number): ServerEvent {
  return { kind: 'join', stream, join: { rank: 1, world_size: worldSize, attempt: 1, host: 'node-b.example.com', pid: 7, device: 'cpu', job_token: '' } };
}

function done(frames: number, checksum: string): ServerEvent {
  return message({ kind: 'done', done: { frames, checksum, decode_ms: 1, inference_ms: 2, encode_ms: 3, wall_ms: 7 } });
}

const timesOf48 = { rank: 1, host: 'node-b', executionProvider: 'cuda', frames: 48, decodeMs: 1, inferenceMs: 2, encodeMs: 3, wallMs: 7 };

describe('recordMessage', () => {
  it.each<[string, ServerEvent]>([
    ['a join', join(4)],
    ['a join with the wrong world size', join(3)],
    ['a heartbeat', message({ kind: 'heartbeat', heartbeat: { frames_done: 3 } })],
    ['a ready that arrives too late', message({ kind: 'ready', ready: { execution_provider: 'cpu', load_ms: 1, model_note: '', precision: 'fp32', device: 'cpu' } })],
    ['a closed stream', { kind: 'closed', stream }],
    ['a message with no kind', message({})],
  ])('marks the rank as just heard from on %s', (_, e) => {
    expect(recordMessage(record(), e, ctx({ groupState: 'stopping' })).update.lastSeenMs).toBe(nowMs);
  });

  it('welcomes a rank that joins with the world size of the attempt, and keeps its stream but not the host it gives', () => {
    expect(recordMessage(record(), join(4), ctx())).toEqual({ update: { lastSeenMs: nowMs, joined: true, stream }, outcome: { kind: 'joined' } });
  });

  it('takes the host a rank gives when its own was only a stand-in (an engine placed it on a machine the launcher cannot see)', () => {
    const placed = record({ host: standInHost(1) });
    expect(recordMessage(placed, join(4), ctx()).update).toEqual({ lastSeenMs: nowMs, host: 'node-b.example.com', joined: true, stream });
  });

  it('aborts and fails a rank that joins with another world size, without counting it as joined', () => {
    expect(recordMessage(record(), join(3), ctx())).toEqual({
      update: { lastSeenMs: nowMs },
      outcome: { kind: 'fail', reason: 'reported', message: 'joined with world size 3, expected 4', abort: 'world size 3 does not match 4' },
    });
  });

  it('marks a rank ready with its execution provider, and passes on the first model note of the attempt', () => {
    const e = message({ kind: 'ready', ready: { execution_provider: 'cuda', load_ms: 812.6, model_note: 'candy, 1 input', precision: 'fp32', device: 'cuda:1' } });
    expect(recordMessage(record({ joined: true }), e, ctx())).toEqual({
      update: { lastSeenMs: nowMs, ready: true, executionProvider: 'cuda' },
      outcome: { kind: 'ready', loadMs: 812.6, device: 'cuda:1', modelNote: 'candy, 1 input' },
    });
  });

  it('names the provider with fp16 when the rank runs its model converted', () => {
    const e = message({ kind: 'ready', ready: { execution_provider: 'cuda', load_ms: 9, model_note: '', precision: 'fp16', device: 'cuda:0' } });
    expect(recordMessage(record({ joined: true }), e, ctx()).update).toMatchObject({ executionProvider: 'cuda fp16' });
  });

  it('passes on no model note once another rank has given one', () => {
    const e = message({ kind: 'ready', ready: { execution_provider: 'cpu', load_ms: 5, model_note: 'candy, 1 input', precision: 'fp32', device: 'cpu' } });
    expect(recordMessage(record({ joined: true }), e, ctx({ modelNote: 'mosaic' })).outcome).toEqual({ kind: 'ready', loadMs: 5, device: 'cpu' });
  });

  it.each<GroupState>(['init', 'running', 'stopping', 'failed', 'succeeded'])('ignores a ready that arrives when the group is %s', (groupState) => {
    const e = message({ kind: 'ready', ready: { execution_provider: 'cpu', load_ms: 5, model_note: 'x', precision: 'fp32', device: 'cpu' } });
    expect(recordMessage(record({ joined: true }), e, ctx({ groupState }))).toEqual({ update: { lastSeenMs: nowMs }, outcome: { kind: 'none' } });
  });

  it('takes the frames done from a heartbeat, reporting nothing', () => {
    const e = message({ kind: 'heartbeat', heartbeat: { frames_done: 17 } });
    expect(recordMessage(record(), e, ctx({ groupState: 'running' }))).toEqual({ update: { lastSeenMs: nowMs, framesDone: 17 }, outcome: { kind: 'none' } });
  });

  it('takes the frames done from a progress message, and reports progress', () => {
    const e = message({ kind: 'progress', progress: { frames_done: 24, decode_ms: 0, inference_ms: 0, encode_ms: 0 } });
    expect(recordMessage(record(), e, ctx({ groupState: 'running' }))).toEqual({ update: { lastSeenMs: nowMs, framesDone: 24 }, outcome: { kind: 'progress' } });
  });

  it("hands a committed chunk on for verification and adds its sha-256 to the rank's list", () => {
    const r = record({ chunkSha256s: [sha(1)] });
    const e = message({ kind: 'chunk_committed', chunk_committed: { start: 72, count: 24, name: 'c-000072', sha256: sha(2) } });
    expect(recordMessage(r, e, ctx({ groupState: 'running' }))).toEqual({
      update: { lastSeenMs: nowMs, chunkSha256s: [sha(1), sha(2)] },
      outcome: { kind: 'chunk', report: { rank: 1, start: 72, count: 24, key: 'c-000072', sha256: sha(2) } },
    });
    expect(r.chunkSha256s).toEqual([sha(1)]);
  });

  describe('a done', () => {
    const chunks = [sha(1), sha(2)];
    const running = ctx({ groupState: 'running' });
    const base = { joined: true, ready: true, executionProvider: 'cuda', chunkSha256s: chunks };

    it('counts when its frames and checksum match the committed chunks', () => {
      expect(recordMessage(record(base), done(48, combinedChecksum(chunks)), running)).toEqual({
        update: { lastSeenMs: nowMs },
        outcome: { kind: 'done', times: timesOf48 },
      });
    });

    it.each<[string, number, string[]]>([
      ['the checksum is over other chunks', 48, [sha(1)]],
      ['the checksum is over the chunks in another order', 48, [sha(2), sha(1)]],
      ['it gives fewer frames than were assigned', 47, chunks],
      ['it gives more frames than were assigned', 49, chunks],
    ])('fails the rank, keeping its times, when %s', (_, frames, summed) => {
      const { outcome } = recordMessage(record(base), done(frames, combinedChecksum(summed)), running);
      expect(outcome).toEqual({
        kind: 'fail',
        reason: 'reported',
        message: `done with ${frames} frames and a checksum that do not match its 2 committed chunks`,
        times: { ...timesOf48, frames },
      });
    });
  });

  it.each<[string, ServerEvent, object]>([
    ['a rank that reports a failure', message({ kind: 'failed', failed: { reason: 'CUDA out of memory', code: 'CUDA_OOM' } }), { reason: 'reported', message: 'CUDA out of memory', code: 'CUDA_OOM' }],
    ['a rank that reports a failure with an error class name, not a code', message({ kind: 'failed', failed: { reason: 'boom', code: 'TypeError' } }), { reason: 'reported', message: 'boom', code: undefined }],
    ['a rank whose disk is full', message({ kind: 'failed', failed: { reason: 'no space left', code: 'NO_SPACE' } }), { reason: 'no-space', message: 'no space left', code: 'NO_SPACE' }],
    ['a rank that says it was preempted', message({ kind: 'preempted', preempted: { signal: 'SIGTERM' } }), { reason: 'preempted', message: 'preempted (SIGTERM)' }],
    ['a stream that closes before done', { kind: 'closed', stream }, { reason: 'stream-closed', message: 'stream closed before done' }],
    ['a stream that closes with an error before done', { kind: 'closed', stream, error: new Error('stream cancelled') }, { reason: 'stream-closed', message: 'stream closed before done (stream cancelled)' }],
  ])('fails %s', (_, e, verdict) => {
    expect(recordMessage(record(), e, ctx({ groupState: 'running' }))).toEqual({ update: { lastSeenMs: nowMs }, outcome: { kind: 'fail', ...verdict } });
  });

  it('lets the stream of a rank that is done close', () => {
    expect(recordMessage(record({ done: true }), { kind: 'closed', stream }, ctx({ groupState: 'succeeded' })).outcome).toEqual({ kind: 'none' });
  });
});
