// Original file: proto/stylerun.proto


export interface StatusRequest {
  'job_token'?: (string);
}

export interface StatusRequest__Output {
  'job_token': (string);
}
