// Original file: proto/stylerun.proto


export interface Failed {
  'reason'?: (string);
  'code'?: (string);
}

export interface Failed__Output {
  'reason': (string);
  'code': (string);
}
