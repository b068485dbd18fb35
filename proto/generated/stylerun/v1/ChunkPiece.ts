// Original file: proto/stylerun.proto

import type { ChunkHeader as _stylerun_v1_ChunkHeader, ChunkHeader__Output as _stylerun_v1_ChunkHeader__Output } from '../../stylerun/v1/ChunkHeader.js';

export interface ChunkPiece {
  'header'?: (_stylerun_v1_ChunkHeader | null);
  'data'?: (Buffer | Uint8Array | string);
  'kind'?: "header"|"data";
}

export interface ChunkPiece__Output {
  'header'?: (_stylerun_v1_ChunkHeader__Output | null);
  'data'?: (Buffer);
  'kind'?: "header"|"data";
}
