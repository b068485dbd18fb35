// Original file: proto/stylerun.proto


export interface Preempted {
  'signal'?: (string);
}

export interface Preempted__Output {
  'signal': (string);
}
