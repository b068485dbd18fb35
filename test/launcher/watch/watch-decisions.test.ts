import { describe, expect, it } from 'vitest';
import { afterFailure, globPattern, queuedUploads, refusal, type UploadRecord, type WatchLimits } from '../../../launcher/watch/watch-decisions.js';

const limits: WatchLimits = { pattern: globPattern('*.mp4'), maxFailures: 3, maxQueued: 2, maxBytes: 1000, maxSeconds: 60, maxPixels: 1920 * 1080 };
const upload = (name: string, modifiedMs: number, bytes = 10) => ({ name, bytes, modifiedMs });

describe('what a watcher takes from a look at its source', () => {
  it('queues matching uploads not done or parked, oldest first, at most --max-queued, ignoring its own prefixes', () => {
    const listing = [upload('in/c.mp4', 3), upload('in/a.mp4', 1), upload('in/b.MP4', 2), upload('in/x.txt', 0), upload('.stylerun/done/a.mp4', 0), upload('in/d.mp4', 4)];
    const records = new Map<string, UploadRecord>([['in/a.mp4', { kind: 'done' }], ['in/c.mp4', { kind: 'failed', failures: 1 }]]);
    expect(queuedUploads(listing, records, limits, ['.stylerun/']).map((u) => u.name)).toEqual(['in/b.MP4', 'in/c.mp4']);
    expect(queuedUploads(listing, new Map([['in/b.MP4', { kind: 'parked' }]]), { ...limits, maxQueued: 9 }, ['.stylerun/']).map((u) => u.name)).toEqual(['in/a.mp4', 'in/c.mp4', 'in/d.mp4']);
  });

  it('matches shell patterns on the last part of a name only', () => {
    expect(globPattern('clip-??.mov').test('clip-01.mov')).toBe(true);
    expect(globPattern('*.mp4').test('a.mp4.txt')).toBe(false);
    expect(globPattern('a.b').test('axb')).toBe(false);
  });

  it('refuses what is too big, too long or too large a picture, saying which limit', () => {
    expect(refusal({ bytes: 5000 }, limits)).toBe('5000 bytes is more than --max-bytes 1000');
    expect(refusal({ bytes: 5 }, limits, { seconds: 61.25, width: 10, height: 10 })).toBe('61.3 s is longer than --max-seconds 60');
    expect(refusal({ bytes: 5 }, limits, { seconds: 1, width: 3840, height: 2160 })).toBe('3840x2160 is more than --max-pixels 2073600');
    expect(refusal({ bytes: 5 }, limits, { seconds: 1, width: 1920, height: 1080 })).toBeUndefined();
  });

  it('parks an upload on its --max-failures-th failure, not before', () => {
    expect(afterFailure(0, limits)).toEqual({ failures: 1, park: false });
    expect(afterFailure(2, limits)).toEqual({ failures: 3, park: true });
  });
});
