// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface Progress {
  'frames_done'?: (number | string | Long);
  'decode_ms'?: (number | string);
  'inference_ms'?: (number | string);
  'encode_ms'?: (number | string);
}

export interface Progress__Output {
  'frames_done': (number);
  'decode_ms': (number);
  'inference_ms': (number);
  'encode_ms': (number);
}
