// The output's video encoding, decided once per job from the source: the ranks encode their chunks with it
// (H.264 chunks, which the gather only copies) or the gather does (after lossless FFV1 chunks).
import { sampleAspectText, type VideoInfo } from '../../common/ffmpeg/video-info.js';
import { ptsRuns } from '../../common/ffmpeg/timestamps.js';
import type { ChunkEncoding } from '../../proto/generated/stylerun/v1/ChunkEncoding.js';
import type { FrameFormat } from '../../models/onnx/frame-format.js';
import { fullRange, swscaleMatrix } from '../../common/ffmpeg/colour.js';

/** How chunks are encoded: "h264" (the output's codec; one lossy generation) or "ffv1" (lossless). */
export type ChunkCodec = 'h264' | 'ffv1';
export const chunkCodecs: readonly ChunkCodec[] = ['h264', 'ffv1'];

/** The output's x264 settings: visually near-lossless at a speed that keeps up with a GPU. */
export const outputCrf = 18;
export const outputPreset = 'veryfast';

/** The output's pixel format and why: 4:2:0 where the size allows, else the source's chroma or 4:4:4. */
export interface ChromaChoice {
  pixFmt: 'yuv420p' | 'yuv422p' | 'yuv444p';
  note?: string;
}

/**
 * yuv420p (what every player takes) when both sides are even; an odd side cannot be held by 4:2:0,
 * so then 4:2:2 where the source is 4:2:2 and the width is even, else 4:4:4 (H.264 High 4:4:4) —
 * the size is kept, never padded.
 */
export function chooseChroma(width: number, height: number, sourcePixFmt = ''): ChromaChoice {
  if (width % 2 === 0 && height % 2 === 0) return { pixFmt: 'yuv420p' };
  const pixFmt = /^yuvj?422p/.test(sourcePixFmt) && width % 2 === 0 ? 'yuv422p' : 'yuv444p';
  const profile = pixFmt === 'yuv422p' ? 'High 4:2:2' : 'High 4:4:4';
  return { pixFmt, note: `output ${pixFmt} (H.264 ${profile}): ${width}x${height} has an odd side, which 4:2:0 cannot hold` };
}

/** Whether the source's frames are unevenly spaced (variable frame rate). */
export function irregularSpacing(info: Pick<VideoInfo, 'pts'>): boolean {
  return ptsRuns(info.pts).length > 1;
}

/**
 * B-frames an H.264 output may use. With variable spacing, B-frames make the MP4 edit list end before the
 * last frames' timestamps (the muxer sizes it from the last dts plus one tick), hiding them; without
 * B-frames pts = dts.
 */
export function maxBFrames(info: Pick<VideoInfo, 'pts'>): number {
  return irregularSpacing(info) ? 0 : 3;
}

/**
 * The output's colour: the source's tags kept (an untagged source stays untagged), its frames converted from
 * RGB with the matrix ffmpeg read them with (BT.601 for untagged video), and limited range ("tv", stated only
 * where the source states a range: a full-range source is converted to it).
 */
export function outputColour(info: Pick<VideoInfo, 'colour'>): Pick<ChunkEncoding, 'color_space' | 'color_primaries' | 'color_trc' | 'color_range' | 'yuv_matrix'> {
  const c = info.colour ?? {};
  return {
    color_space: c.space ?? '', color_primaries: c.primaries ?? '', color_trc: c.transfer ?? '', color_range: c.range ? 'tv' : '',
    yuv_matrix: swscaleMatrix(c.space),
  };
}

/** The encoding every rank of the job gives its chunks. */
export function chunkEncoding(codec: ChunkCodec, info: Pick<VideoInfo, 'width' | 'height' | 'pixFmt' | 'pts' | 'colour' | 'sampleAspect'>): ChunkEncoding {
  if (codec === 'ffv1') return { codec };
  return {
    codec, crf: outputCrf, preset: outputPreset, pix_fmt: chooseChroma(info.width, info.height, info.pixFmt).pixFmt, max_b_frames: maxBFrames(info),
    ...outputColour(info), sample_aspect_ratio: sampleAspectText(info.sampleAspect),
  };
}

/**
 * The raw frames ranks may exchange with their ffmpeg processes (Welcome.frame_format): yuv420p where the chunks are
 * 4:2:0 H.264, which is what the decoder gives and the encoder takes, so that neither converts and a frame is half
 * the bytes of rgb24 (the model converts inside its graph, with the source's matrix); rgb24 for lossless FFV1
 * chunks, whose RGB must reach the gather as the model gave it, for 4:2:2 and 4:4:4 outputs, and for full-range
 * sources (the graph converts limited range only; ffmpeg reads the range on the way to rgb24).
 */
export function rankFrameFormat(e: Pick<ChunkEncoding, 'codec' | 'pix_fmt'>, info: Pick<VideoInfo, 'pixFmt' | 'colour'>): FrameFormat {
  return e.codec === 'h264' && e.pix_fmt === 'yuv420p' && !fullRange(info.pixFmt, info.colour) ? 'yuv420p' : 'rgb24';
}

/**
 * Frames per chunk when the user gives none. The target is about 2 s of video for H.264 chunks (each
 * starts a GOP, so shorter ones cost size; longer ones lose more work to a failure) and 32 frames for
 * FFV1, whose frames are all keyframes. The length is then fitted so that each of `ranks` ranks gets a
 * whole number of equal chunks, as chunks are the unit of the scatter, and so that every rank gets one.
 */
export function defaultChunkFrames(codec: ChunkCodec, info: Pick<VideoInfo, 'avgFrameRate' | 'pts'>, ranks: number): number {
  const total = info.pts.length;
  const fps = info.avgFrameRate.den > 0 ? info.avgFrameRate.num / info.avgFrameRate.den : 0;
  const target = codec === 'ffv1' ? 32 : Number.isFinite(fps) && fps > 0 ? Math.max(16, Math.round(2 * fps)) : 50;
  const perRank = Math.max(1, Math.round(total / (ranks * target)));
  const frames = Math.ceil(total / (ranks * perRank));
  // so few frames that rounding up leaves a rank without a chunk: chunks of an even split, and a remainder
  return Math.ceil(total / frames) >= ranks ? frames : Math.max(1, Math.floor(total / ranks));
}

/** One log line: how the chunks are encoded and what the gather then does. */
export function describeChunks(e: ChunkEncoding, chunkFrames: number): string {
  if (e.codec === 'ffv1') return `chunks: FFV1 (lossless), ${chunkFrames} frames each; the gather encodes the output`;
  return `chunks: H.264 crf ${e.crf} ${e.preset} ${e.pix_fmt}, ${chunkFrames} frames each; the gather copies them`;
}
