// Original file: proto/stylerun.proto

import type { FrameRange as _stylerun_v1_FrameRange, FrameRange__Output as _stylerun_v1_FrameRange__Output } from '../../stylerun/v1/FrameRange.js';
import type { ChunkEncoding as _stylerun_v1_ChunkEncoding, ChunkEncoding__Output as _stylerun_v1_ChunkEncoding__Output } from '../../stylerun/v1/ChunkEncoding.js';

export interface Assignment {
  'ranges'?: (_stylerun_v1_FrameRange)[];
  'input'?: (string);
  'chunk_store'?: (string);
  'chunk_frames'?: (number);
  'width'?: (number);
  'height'?: (number);
  'time_base_num'?: (number);
  'time_base_den'?: (number);
  'encoding'?: (_stylerun_v1_ChunkEncoding | null);
  'input_served'?: (boolean);
  'chunks_to_coordinator'?: (boolean);
  'input_url'?: (boolean);
  'chunks_to_blob'?: (boolean);
}

export interface Assignment__Output {
  'ranges': (_stylerun_v1_FrameRange__Output)[];
  'input': (string);
  'chunk_store': (string);
  'chunk_frames': (number);
  'width': (number);
  'height': (number);
  'time_base_num': (number);
  'time_base_den': (number);
  'encoding': (_stylerun_v1_ChunkEncoding__Output | null);
  'input_served': (boolean);
  'chunks_to_coordinator': (boolean);
  'input_url': (boolean);
  'chunks_to_blob': (boolean);
}
