// Original file: proto/stylerun.proto


export interface ChunkUrlRequest {
  'job_token'?: (string);
  'rank'?: (number);
  'key'?: (string);
}

export interface ChunkUrlRequest__Output {
  'job_token': (string);
  'rank': (number);
  'key': (string);
}
