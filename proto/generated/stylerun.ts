import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { Abort as _stylerun_v1_Abort, Abort__Output as _stylerun_v1_Abort__Output } from './stylerun/v1/Abort.js';
import type { Assignment as _stylerun_v1_Assignment, Assignment__Output as _stylerun_v1_Assignment__Output } from './stylerun/v1/Assignment.js';
import type { ChunkCommitted as _stylerun_v1_ChunkCommitted, ChunkCommitted__Output as _stylerun_v1_ChunkCommitted__Output } from './stylerun/v1/ChunkCommitted.js';
import type { ChunkEncoding as _stylerun_v1_ChunkEncoding, ChunkEncoding__Output as _stylerun_v1_ChunkEncoding__Output } from './stylerun/v1/ChunkEncoding.js';
import type { ChunkHeader as _stylerun_v1_ChunkHeader, ChunkHeader__Output as _stylerun_v1_ChunkHeader__Output } from './stylerun/v1/ChunkHeader.js';
import type { ChunkPiece as _stylerun_v1_ChunkPiece, ChunkPiece__Output as _stylerun_v1_ChunkPiece__Output } from './stylerun/v1/ChunkPiece.js';
import type { ChunkStored as _stylerun_v1_ChunkStored, ChunkStored__Output as _stylerun_v1_ChunkStored__Output } from './stylerun/v1/ChunkStored.js';
import type { ChunkUrlReply as _stylerun_v1_ChunkUrlReply, ChunkUrlReply__Output as _stylerun_v1_ChunkUrlReply__Output } from './stylerun/v1/ChunkUrlReply.js';
import type { ChunkUrlRequest as _stylerun_v1_ChunkUrlRequest, ChunkUrlRequest__Output as _stylerun_v1_ChunkUrlRequest__Output } from './stylerun/v1/ChunkUrlRequest.js';
import type { CoordinatorClient as _stylerun_v1_CoordinatorClient, CoordinatorDefinition as _stylerun_v1_CoordinatorDefinition } from './stylerun/v1/Coordinator.js';
import type { CoordinatorMessage as _stylerun_v1_CoordinatorMessage, CoordinatorMessage__Output as _stylerun_v1_CoordinatorMessage__Output } from './stylerun/v1/CoordinatorMessage.js';
import type { Done as _stylerun_v1_Done, Done__Output as _stylerun_v1_Done__Output } from './stylerun/v1/Done.js';
import type { Failed as _stylerun_v1_Failed, Failed__Output as _stylerun_v1_Failed__Output } from './stylerun/v1/Failed.js';
import type { Finish as _stylerun_v1_Finish, Finish__Output as _stylerun_v1_Finish__Output } from './stylerun/v1/Finish.js';
import type { FrameRange as _stylerun_v1_FrameRange, FrameRange__Output as _stylerun_v1_FrameRange__Output } from './stylerun/v1/FrameRange.js';
import type { Heartbeat as _stylerun_v1_Heartbeat, Heartbeat__Output as _stylerun_v1_Heartbeat__Output } from './stylerun/v1/Heartbeat.js';
import type { Join as _stylerun_v1_Join, Join__Output as _stylerun_v1_Join__Output } from './stylerun/v1/Join.js';
import type { Preempted as _stylerun_v1_Preempted, Preempted__Output as _stylerun_v1_Preempted__Output } from './stylerun/v1/Preempted.js';
import type { Progress as _stylerun_v1_Progress, Progress__Output as _stylerun_v1_Progress__Output } from './stylerun/v1/Progress.js';
import type { RankMessage as _stylerun_v1_RankMessage, RankMessage__Output as _stylerun_v1_RankMessage__Output } from './stylerun/v1/RankMessage.js';
import type { RankStatus as _stylerun_v1_RankStatus, RankStatus__Output as _stylerun_v1_RankStatus__Output } from './stylerun/v1/RankStatus.js';
import type { Ready as _stylerun_v1_Ready, Ready__Output as _stylerun_v1_Ready__Output } from './stylerun/v1/Ready.js';
import type { StatusReply as _stylerun_v1_StatusReply, StatusReply__Output as _stylerun_v1_StatusReply__Output } from './stylerun/v1/StatusReply.js';
import type { StatusRequest as _stylerun_v1_StatusRequest, StatusRequest__Output as _stylerun_v1_StatusRequest__Output } from './stylerun/v1/StatusRequest.js';
import type { Welcome as _stylerun_v1_Welcome, Welcome__Output as _stylerun_v1_Welcome__Output } from './stylerun/v1/Welcome.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  stylerun: {
    v1: {
      Abort: MessageTypeDefinition<_stylerun_v1_Abort, _stylerun_v1_Abort__Output>
      Assignment: MessageTypeDefinition<_stylerun_v1_Assignment, _stylerun_v1_Assignment__Output>
      ChunkCommitted: MessageTypeDefinition<_stylerun_v1_ChunkCommitted, _stylerun_v1_ChunkCommitted__Output>
      ChunkEncoding: MessageTypeDefinition<_stylerun_v1_ChunkEncoding, _stylerun_v1_ChunkEncoding__Output>
      ChunkHeader: MessageTypeDefinition<_stylerun_v1_ChunkHeader, _stylerun_v1_ChunkHeader__Output>
      ChunkPiece: MessageTypeDefinition<_stylerun_v1_ChunkPiece, _stylerun_v1_ChunkPiece__Output>
      ChunkStored: MessageTypeDefinition<_stylerun_v1_ChunkStored, _stylerun_v1_ChunkStored__Output>
      ChunkUrlReply: MessageTypeDefinition<_stylerun_v1_ChunkUrlReply, _stylerun_v1_ChunkUrlReply__Output>
      ChunkUrlRequest: MessageTypeDefinition<_stylerun_v1_ChunkUrlRequest, _stylerun_v1_ChunkUrlRequest__Output>
      Coordinator: SubtypeConstructor<typeof grpc.Client, _stylerun_v1_CoordinatorClient> & { service: _stylerun_v1_CoordinatorDefinition }
      CoordinatorMessage: MessageTypeDefinition<_stylerun_v1_CoordinatorMessage, _stylerun_v1_CoordinatorMessage__Output>
      Done: MessageTypeDefinition<_stylerun_v1_Done, _stylerun_v1_Done__Output>
      Failed: MessageTypeDefinition<_stylerun_v1_Failed, _stylerun_v1_Failed__Output>
      Finish: MessageTypeDefinition<_stylerun_v1_Finish, _stylerun_v1_Finish__Output>
      FrameRange: MessageTypeDefinition<_stylerun_v1_FrameRange, _stylerun_v1_FrameRange__Output>
      Heartbeat: MessageTypeDefinition<_stylerun_v1_Heartbeat, _stylerun_v1_Heartbeat__Output>
      Join: MessageTypeDefinition<_stylerun_v1_Join, _stylerun_v1_Join__Output>
      Preempted: MessageTypeDefinition<_stylerun_v1_Preempted, _stylerun_v1_Preempted__Output>
      Progress: MessageTypeDefinition<_stylerun_v1_Progress, _stylerun_v1_Progress__Output>
      RankMessage: MessageTypeDefinition<_stylerun_v1_RankMessage, _stylerun_v1_RankMessage__Output>
      RankStatus: MessageTypeDefinition<_stylerun_v1_RankStatus, _stylerun_v1_RankStatus__Output>
      Ready: MessageTypeDefinition<_stylerun_v1_Ready, _stylerun_v1_Ready__Output>
      StatusReply: MessageTypeDefinition<_stylerun_v1_StatusReply, _stylerun_v1_StatusReply__Output>
      StatusRequest: MessageTypeDefinition<_stylerun_v1_StatusRequest, _stylerun_v1_StatusRequest__Output>
      Welcome: MessageTypeDefinition<_stylerun_v1_Welcome, _stylerun_v1_Welcome__Output>
    }
  }
}

