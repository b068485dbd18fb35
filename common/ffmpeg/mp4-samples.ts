// The frame count of an MP4 file as its own sample table says, read without starting ffprobe. The H.264 chunks
// stylerun writes are plain MP4s (moov after mdat, no fragments, no edit list), and the launcher checks every
// chunk's frame count before its journal records it: one ffprobe process a chunk costs 50-110 ms of CPU with a
// dynamically linked ffprobe such as Debian's, most of it linking the libraries.

/** A box's type and where its payload lies in the file. */
interface Box {
  type: string;
  start: number;
  end: number;
}

/** Thrown inside the walk for a layout it does not read; the caller then asks ffprobe. */
class Unreadable extends Error {}

function u32(b: Uint8Array, at: number): number {
  return ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;
}

/** The boxes that tile b[start, end) exactly; anything else (a truncated file) is Unreadable. */
function boxes(b: Uint8Array, start: number, end: number): Box[] {
  const found: Box[] = [];
  let at = start;
  while (at < end) {
    if (at + 8 > end) throw new Unreadable();
    let size = u32(b, at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end || u32(b, at + 8) !== 0) throw new Unreadable(); // over 4 GiB: not a chunk
      size = u32(b, at + 12);
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) throw new Unreadable();
    found.push({ type: String.fromCharCode(b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!), start: at + header, end: at + size });
    at += size;
  }
  return found;
}

function only(b: Uint8Array, parent: Box, type: string): Box {
  const matches = boxes(b, parent.start, parent.end).filter((x) => x.type === type);
  if (matches.length !== 1) throw new Unreadable();
  return matches[0]!;
}

/** stsz (or compact stz2) sample_count: both keep it at payload offset 8. */
function sampleCount(b: Uint8Array, stbl: Box): number {
  const tables = boxes(b, stbl.start, stbl.end).filter((x) => x.type === 'stsz' || x.type === 'stz2');
  if (tables.length !== 1 || tables[0]!.end - tables[0]!.start < 12) throw new Unreadable();
  return u32(b, tables[0]!.start + 8);
}

/**
 * Samples (frames) of the first video track of the MP4 file `b`, from its sample table; undefined where the
 * file is not one this reads with certainty: no single moov, a fragmented file (its frames live in moof
 * boxes), a video track with an edit list (a reader may drop samples it cuts), or a truncated box.
 */
export function mp4VideoSamples(b: Uint8Array): number | undefined {
  try {
    const moov = boxes(b, 0, b.length).filter((x) => x.type === 'moov');
    if (moov.length !== 1) return undefined;
    const inMoov = boxes(b, moov[0]!.start, moov[0]!.end);
    if (inMoov.some((x) => x.type === 'mvex')) return undefined;
    for (const trak of inMoov.filter((x) => x.type === 'trak')) {
      const mdia = only(b, trak, 'mdia');
      const hdlr = only(b, mdia, 'hdlr');
      // hdlr: version and flags (4), pre_defined (4), handler_type (4)
      if (hdlr.end - hdlr.start < 12) throw new Unreadable();
      if (String.fromCharCode(...b.subarray(hdlr.start + 8, hdlr.start + 12)) !== 'vide') continue;
      if (boxes(b, trak.start, trak.end).some((x) => x.type === 'edts')) return undefined;
      return sampleCount(b, only(b, only(b, mdia, 'minf'), 'stbl'));
    }
    return undefined;
  } catch (e) {
    if (e instanceof Unreadable) return undefined;
    throw e;
  }
}
