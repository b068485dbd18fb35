// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface ChunkHeader {
  'job_token'?: (string);
  'rank'?: (number);
  'key'?: (string);
  'sha256'?: (string);
  'size'?: (number | string | Long);
}

export interface ChunkHeader__Output {
  'job_token': (string);
  'rank': (number);
  'key': (string);
  'sha256': (string);
  'size': (number);
}
