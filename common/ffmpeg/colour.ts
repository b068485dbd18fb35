// A video's colour description as ffmpeg names it (H.273's matrix, primaries, transfer and range), and what
// stylerun does with it: the Y'CbCr matrix with which frames convert to and from the model's RGB, and the
// tags the output keeps. ffmpeg reads a tagged source's matrix on its way to rgb24; stylerun's own
// conversions (yuv420p frames converted inside the graph, RGB frames encoded) must use the same one, and the
// output must say which it used, or a BT.709 video comes back with shifted colours.

/** What the source states; a field is absent where it states nothing ("unknown", "unspecified"). */
export interface VideoColour {
  /** The matrix, e.g. "bt709", "smpte170m", "bt2020nc". */
  space?: string;
  range?: 'tv' | 'pc';
  primaries?: string;
  transfer?: string;
}

/** The Y'CbCr matrices swscale knows, by its scale filter's names (models/onnx/frame-format.ts has their weights, as YuvMatrix). */
export type SwscaleMatrix = 'bt601' | 'bt709' | 'fcc' | 'smpte240m' | 'bt2020';

/**
 * The matrix swscale converts `space` with (its scale filter's "auto"): BT.709, FCC, SMPTE 240M and BT.2020
 * as stated; BT.601 for the rest (smpte170m, bt470bg, and untagged video).
 */
export function swscaleMatrix(space: string | undefined): SwscaleMatrix {
  if (space === 'bt709' || space === 'fcc' || space === 'smpte240m') return space;
  if (space === 'bt2020nc' || space === 'bt2020c') return 'bt2020';
  return 'bt601';
}

// The names ffmpeg's encoder options take in 4.1 and in 5.1 and newer alike; a name outside them is left
// untagged rather than failing the encode.
const spaces = new Set(['bt709', 'fcc', 'bt470bg', 'smpte170m', 'smpte240m', 'ycgco', 'bt2020nc', 'bt2020c']);
const primaries = new Set(['bt709', 'bt470m', 'bt470bg', 'smpte170m', 'smpte240m', 'film', 'bt2020', 'smpte428', 'smpte431', 'smpte432']);
const transfers = new Set([
  'bt709', 'gamma22', 'gamma28', 'smpte170m', 'smpte240m', 'linear', 'log100', 'log316', 'iec61966-2-4', 'bt1361e', 'iec61966-2-1',
  'bt2020-10', 'bt2020-12', 'smpte2084', 'smpte428', 'arib-std-b67',
]);

/** The colour fields of an ffprobe stream, kept where they state something ffmpeg can write again. */
export function colourOfStream(stream: { color_space?: string; color_range?: string; color_primaries?: string; color_transfer?: string }): VideoColour | undefined {
  const colour: VideoColour = {};
  if (stream.color_space && spaces.has(stream.color_space)) colour.space = stream.color_space;
  if (stream.color_range === 'tv' || stream.color_range === 'pc') colour.range = stream.color_range;
  if (stream.color_primaries && primaries.has(stream.color_primaries)) colour.primaries = stream.color_primaries;
  if (stream.color_transfer && transfers.has(stream.color_transfer)) colour.transfer = stream.color_transfer;
  return Object.keys(colour).length ? colour : undefined;
}

/**
 * The colour description in a "Stream #0:0: Video: h264 (High), yuv420p(tv, bt709, progressive), ..." line of
 * ffmpeg's own report: the range, then "space/primaries/transfer", or one name where all three agree.
 */
export function colourOfStreamLine(line: string): VideoColour | undefined {
  const detail = /Video: [^,]+, \w+\(([^)]*)\)/.exec(line)?.[1];
  if (!detail) return undefined;
  const stream: Record<string, string> = {};
  for (const part of detail.split(', ')) {
    if (part === 'tv' || part === 'pc') stream.color_range = part;
    else if (part.split('/').length === 3) [stream.color_space, stream.color_primaries, stream.color_transfer] = part.split('/') as [string, string, string];
    else if (spaces.has(part)) stream.color_space = stream.color_primaries = stream.color_transfer = part;
  }
  return colourOfStream(stream);
}

/** Whether frames of `pixFmt` in `colour` use the full 0..255 range (JPEG-style "yuvj" formats, or a "pc" tag). */
export function fullRange(pixFmt: string | undefined, colour: VideoColour | undefined): boolean {
  return /^yuvj/.test(pixFmt ?? '') || colour?.range === 'pc';
}

/** Whether frames of `pixFmt` carry more than 8 bits a sample (yuv420p10le, p010le, yuv444p12le, rgb48le, ...). */
export function deeperThan8Bits(pixFmt: string | undefined): boolean {
  return /(?:p9|p1[0246]|p01[06]|48|64)(?:le|be)$/.test(pixFmt ?? '');
}

/** The colour an output is written with (ChunkEncoding's fields): ffmpeg's names, empty where untagged. */
export interface OutputColour {
  color_space?: string;
  color_primaries?: string;
  color_trc?: string;
  color_range?: string;
  yuv_matrix?: string;
}

/** The encoder options that tag an output with `c` (none for an untagged one). */
export function colourTagArgs(c: OutputColour): string[] {
  return [
    ...(c.color_space ? ['-colorspace', c.color_space] : []),
    ...(c.color_primaries ? ['-color_primaries', c.color_primaries] : []),
    ...(c.color_trc ? ['-color_trc', c.color_trc] : []),
    ...(c.color_range ? ['-color_range', c.color_range] : []),
  ];
}

/**
 * The filters that make RGB frames `pixFmt` Y'CbCr with the output's matrix, limited range. None for BT.601,
 * which is what ffmpeg's own conversion uses (an untagged source's output stays the bytes it was); the format
 * filter makes this scale the one that converts, in ffmpeg 4.1 and in versions that negotiate colour alike.
 */
export function rgbToYuvFilters(c: OutputColour, pixFmt: string): string[] {
  const m = c.yuv_matrix || 'bt601';
  return m === 'bt601' ? [] : [`scale=out_color_matrix=${m}:out_range=tv`, `format=${pixFmt}`];
}
