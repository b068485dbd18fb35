// Original file: proto/stylerun.proto

import type { Join as _stylerun_v1_Join, Join__Output as _stylerun_v1_Join__Output } from '../../stylerun/v1/Join.js';
import type { Ready as _stylerun_v1_Ready, Ready__Output as _stylerun_v1_Ready__Output } from '../../stylerun/v1/Ready.js';
import type { Heartbeat as _stylerun_v1_Heartbeat, Heartbeat__Output as _stylerun_v1_Heartbeat__Output } from '../../stylerun/v1/Heartbeat.js';
import type { Progress as _stylerun_v1_Progress, Progress__Output as _stylerun_v1_Progress__Output } from '../../stylerun/v1/Progress.js';
import type { ChunkCommitted as _stylerun_v1_ChunkCommitted, ChunkCommitted__Output as _stylerun_v1_ChunkCommitted__Output } from '../../stylerun/v1/ChunkCommitted.js';
import type { Done as _stylerun_v1_Done, Done__Output as _stylerun_v1_Done__Output } from '../../stylerun/v1/Done.js';
import type { Failed as _stylerun_v1_Failed, Failed__Output as _stylerun_v1_Failed__Output } from '../../stylerun/v1/Failed.js';
import type { Preempted as _stylerun_v1_Preempted, Preempted__Output as _stylerun_v1_Preempted__Output } from '../../stylerun/v1/Preempted.js';

export interface RankMessage {
  'join'?: (_stylerun_v1_Join | null);
  'ready'?: (_stylerun_v1_Ready | null);
  'heartbeat'?: (_stylerun_v1_Heartbeat | null);
  'progress'?: (_stylerun_v1_Progress | null);
  'chunk_committed'?: (_stylerun_v1_ChunkCommitted | null);
  'done'?: (_stylerun_v1_Done | null);
  'failed'?: (_stylerun_v1_Failed | null);
  'preempted'?: (_stylerun_v1_Preempted | null);
  'kind'?: "join"|"ready"|"heartbeat"|"progress"|"chunk_committed"|"done"|"failed"|"preempted";
}

export interface RankMessage__Output {
  'join'?: (_stylerun_v1_Join__Output | null);
  'ready'?: (_stylerun_v1_Ready__Output | null);
  'heartbeat'?: (_stylerun_v1_Heartbeat__Output | null);
  'progress'?: (_stylerun_v1_Progress__Output | null);
  'chunk_committed'?: (_stylerun_v1_ChunkCommitted__Output | null);
  'done'?: (_stylerun_v1_Done__Output | null);
  'failed'?: (_stylerun_v1_Failed__Output | null);
  'preempted'?: (_stylerun_v1_Preempted__Output | null);
  'kind'?: "join"|"ready"|"heartbeat"|"progress"|"chunk_committed"|"done"|"failed"|"preempted";
}
