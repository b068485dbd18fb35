import { describe, expect, it } from 'vitest';
import { chunkBytesEstimate, spaceWarning } from '../../../launcher/job/space-check.js';

describe('chunkBytesEstimate', () => {
  it('puts FFV1 chunks at a third of the raw RGB bytes, H.264 ones at a twentieth', () => {
    expect(chunkBytesEstimate('ffv1', 640, 360, 100)).toBe(640 * 360 * 100);
    expect(chunkBytesEstimate('h264', 640, 360, 100)).toBe(640 * 360 * 15);
  });
});

describe('spaceWarning', () => {
  it('warns, naming both sizes, when the free space is below the estimate', () => {
    expect(spaceWarning('/w', 160_000, 921_600, 'ffv1')).toBe(
      "only 0.2 MB free under /w, and this job's chunks may need about 0.9 MB (a rough estimate for FFV1); it stops with exit code 8 if the disk fills up",
    );
  });

  it('says nothing when the estimate fits', () => {
    expect(spaceWarning('/w', 2e9, 1e9, 'h264')).toBeUndefined();
  });

  it('says nothing when the free space cannot be found out', () => {
    expect(spaceWarning('/w', undefined, 1e9, 'h264')).toBeUndefined();
  });
});
