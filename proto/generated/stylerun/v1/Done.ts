// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface Done {
  'frames'?: (number | string | Long);
  'checksum'?: (string);
  'decode_ms'?: (number | string);
  'inference_ms'?: (number | string);
  'encode_ms'?: (number | string);
  'wall_ms'?: (number | string);
}

export interface Done__Output {
  'frames': (number);
  'checksum': (string);
  'decode_ms': (number);
  'inference_ms': (number);
  'encode_ms': (number);
  'wall_ms': (number);
}
