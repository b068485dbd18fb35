// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface Heartbeat {
  'frames_done'?: (number | string | Long);
}

export interface Heartbeat__Output {
  'frames_done': (number);
}
