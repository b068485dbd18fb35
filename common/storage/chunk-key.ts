// A chunk's key: its name in every chunk store. Ranks make keys; the launcher accepts only keys of this
// shape from the network (PutChunk), so a key can never name a path outside the store.

/** The key of the chunk holding frames [start, start+count): .mp4 for H.264, .nut for FFV1 (rank/chunk-writer.ts). */
export function chunkKey(start: number, count: number, codec: string): string {
  return `chunk-${String(start).padStart(9, '0')}-${count}.${codec === 'h264' ? 'mp4' : 'nut'}`;
}

const keyShape = /^chunk-(\d{9,})-([1-9]\d*)\.(mp4|nut)$/;

/** The frames a well-formed key names, or undefined for anything else (a path, "..", a stray name). */
export function parseChunkKey(key: string): { start: number; count: number } | undefined {
  const m = keyShape.exec(key);
  return m ? { start: Number(m[1]), count: Number(m[2]) } : undefined;
}
