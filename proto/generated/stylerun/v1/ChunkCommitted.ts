// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface ChunkCommitted {
  'start'?: (number | string | Long);
  'count'?: (number | string | Long);
  'name'?: (string);
  'sha256'?: (string);
}

export interface ChunkCommitted__Output {
  'start': (number);
  'count': (number);
  'name': (string);
  'sha256': (string);
}
