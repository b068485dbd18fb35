// Original file: proto/stylerun.proto


export interface Join {
  'rank'?: (number);
  'world_size'?: (number);
  'attempt'?: (number);
  'host'?: (string);
  'pid'?: (number);
  'device'?: (string);
  'job_token'?: (string);
}

export interface Join__Output {
  'rank': (number);
  'world_size': (number);
  'attempt': (number);
  'host': (string);
  'pid': (number);
  'device': (string);
  'job_token': (string);
}
