// Original file: proto/stylerun.proto

import type { RankStatus as _stylerun_v1_RankStatus, RankStatus__Output as _stylerun_v1_RankStatus__Output } from '../../stylerun/v1/RankStatus.js';
import type { Long } from '@grpc/proto-loader';

export interface StatusReply {
  'job_id'?: (string);
  'state'?: (string);
  'attempt'?: (number);
  'total_frames'?: (number | string | Long);
  'committed_frames'?: (number | string | Long);
  'ranks'?: (_stylerun_v1_RankStatus)[];
  'job_state'?: (string);
}

export interface StatusReply__Output {
  'job_id': (string);
  'state': (string);
  'attempt': (number);
  'total_frames': (number);
  'committed_frames': (number);
  'ranks': (_stylerun_v1_RankStatus__Output)[];
  'job_state': (string);
}
