// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface FrameRange {
  'start'?: (number | string | Long);
  'count'?: (number | string | Long);
  'seek_seconds'?: (number | string);
  'trim_seconds'?: (number | string);
  'pts'?: (number | string | Long)[];
}

export interface FrameRange__Output {
  'start': (number);
  'count': (number);
  'seek_seconds': (number);
  'trim_seconds': (number);
  'pts': (number)[];
}
