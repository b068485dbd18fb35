// Original file: proto/stylerun.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChunkPiece as _stylerun_v1_ChunkPiece, ChunkPiece__Output as _stylerun_v1_ChunkPiece__Output } from '../../stylerun/v1/ChunkPiece.js';
import type { ChunkStored as _stylerun_v1_ChunkStored, ChunkStored__Output as _stylerun_v1_ChunkStored__Output } from '../../stylerun/v1/ChunkStored.js';
import type { ChunkUrlReply as _stylerun_v1_ChunkUrlReply, ChunkUrlReply__Output as _stylerun_v1_ChunkUrlReply__Output } from '../../stylerun/v1/ChunkUrlReply.js';
import type { ChunkUrlRequest as _stylerun_v1_ChunkUrlRequest, ChunkUrlRequest__Output as _stylerun_v1_ChunkUrlRequest__Output } from '../../stylerun/v1/ChunkUrlRequest.js';
import type { CoordinatorMessage as _stylerun_v1_CoordinatorMessage, CoordinatorMessage__Output as _stylerun_v1_CoordinatorMessage__Output } from '../../stylerun/v1/CoordinatorMessage.js';
import type { RankMessage as _stylerun_v1_RankMessage, RankMessage__Output as _stylerun_v1_RankMessage__Output } from '../../stylerun/v1/RankMessage.js';
import type { StatusReply as _stylerun_v1_StatusReply, StatusReply__Output as _stylerun_v1_StatusReply__Output } from '../../stylerun/v1/StatusReply.js';
import type { StatusRequest as _stylerun_v1_StatusRequest, StatusRequest__Output as _stylerun_v1_StatusRequest__Output } from '../../stylerun/v1/StatusRequest.js';

export interface CoordinatorClient extends grpc.Client {
  Attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stylerun_v1_RankMessage, _stylerun_v1_CoordinatorMessage__Output>;
  Attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stylerun_v1_RankMessage, _stylerun_v1_CoordinatorMessage__Output>;
  attach(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_stylerun_v1_RankMessage, _stylerun_v1_CoordinatorMessage__Output>;
  attach(options?: grpc.CallOptions): grpc.ClientDuplexStream<_stylerun_v1_RankMessage, _stylerun_v1_CoordinatorMessage__Output>;
  
  ChunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  ChunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  ChunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  ChunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  chunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  chunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  chunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  chunkWriteUrl(argument: _stylerun_v1_ChunkUrlRequest, callback: grpc.requestCallback<_stylerun_v1_ChunkUrlReply__Output>): grpc.ClientUnaryCall;
  
  PutChunk(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  PutChunk(metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  PutChunk(options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  PutChunk(callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  putChunk(metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  putChunk(metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  putChunk(options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  putChunk(callback: grpc.requestCallback<_stylerun_v1_ChunkStored__Output>): grpc.ClientWritableStream<_stylerun_v1_ChunkPiece>;
  
  Status(argument: _stylerun_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _stylerun_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _stylerun_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  Status(argument: _stylerun_v1_StatusRequest, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _stylerun_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _stylerun_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _stylerun_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  status(argument: _stylerun_v1_StatusRequest, callback: grpc.requestCallback<_stylerun_v1_StatusReply__Output>): grpc.ClientUnaryCall;
  
}

export interface CoordinatorHandlers extends grpc.UntypedServiceImplementation {
  Attach: grpc.handleBidiStreamingCall<_stylerun_v1_RankMessage__Output, _stylerun_v1_CoordinatorMessage>;
  
  ChunkWriteUrl: grpc.handleUnaryCall<_stylerun_v1_ChunkUrlRequest__Output, _stylerun_v1_ChunkUrlReply>;
  
  PutChunk: grpc.handleClientStreamingCall<_stylerun_v1_ChunkPiece__Output, _stylerun_v1_ChunkStored>;
  
  Status: grpc.handleUnaryCall<_stylerun_v1_StatusRequest__Output, _stylerun_v1_StatusReply>;
  
}

export interface CoordinatorDefinition extends grpc.ServiceDefinition {
  Attach: MethodDefinition<_stylerun_v1_RankMessage, _stylerun_v1_CoordinatorMessage, _stylerun_v1_RankMessage__Output, _stylerun_v1_CoordinatorMessage__Output>
  ChunkWriteUrl: MethodDefinition<_stylerun_v1_ChunkUrlRequest, _stylerun_v1_ChunkUrlReply, _stylerun_v1_ChunkUrlRequest__Output, _stylerun_v1_ChunkUrlReply__Output>
  PutChunk: MethodDefinition<_stylerun_v1_ChunkPiece, _stylerun_v1_ChunkStored, _stylerun_v1_ChunkPiece__Output, _stylerun_v1_ChunkStored__Output>
  Status: MethodDefinition<_stylerun_v1_StatusRequest, _stylerun_v1_StatusReply, _stylerun_v1_StatusRequest__Output, _stylerun_v1_StatusReply__Output>
}
