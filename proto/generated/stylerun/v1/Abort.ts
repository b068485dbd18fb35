// Original file: proto/stylerun.proto


export interface Abort {
  'reason'?: (string);
}

export interface Abort__Output {
  'reason': (string);
}
