// Original file: proto/stylerun.proto

import type { Long } from '@grpc/proto-loader';

export interface RankStatus {
  'rank'?: (number);
  'state'?: (string);
  'host'?: (string);
  'pid'?: (number);
  'frames_done'?: (number | string | Long);
  'execution_provider'?: (string);
  'last_heartbeat_ms_ago'?: (number | string | Long);
}

export interface RankStatus__Output {
  'rank': (number);
  'state': (string);
  'host': (string);
  'pid': (number);
  'frames_done': (number);
  'execution_provider': (string);
  'last_heartbeat_ms_ago': (number);
}
