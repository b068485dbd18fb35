// Original file: proto/stylerun.proto


export interface ChunkUrlReply {
  'url'?: (string);
}

export interface ChunkUrlReply__Output {
  'url': (string);
}
