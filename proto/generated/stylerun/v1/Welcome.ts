// Original file: proto/stylerun.proto


export interface Welcome {
  'job_id'?: (string);
  'model_path'?: (string);
  'device'?: (string);
  'batch_size'?: (number);
  'intra_op_threads'?: (number);
  'width'?: (number);
  'height'?: (number);
  'heartbeat_interval_ms'?: (number);
  'precision'?: (string);
  'model_served'?: (boolean);
  'frame_format'?: (string);
  'yuv_matrix'?: (string);
}

export interface Welcome__Output {
  'job_id': (string);
  'model_path': (string);
  'device': (string);
  'batch_size': (number);
  'intra_op_threads': (number);
  'width': (number);
  'height': (number);
  'heartbeat_interval_ms': (number);
  'precision': (string);
  'model_served': (boolean);
  'frame_format': (string);
  'yuv_matrix': (string);
}
