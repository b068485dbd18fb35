// Original file: proto/stylerun.proto


export interface Ready {
  'execution_provider'?: (string);
  'load_ms'?: (number | string);
  'model_note'?: (string);
  'precision'?: (string);
  'device'?: (string);
}

export interface Ready__Output {
  'execution_provider': (string);
  'load_ms': (number);
  'model_note': (string);
  'precision': (string);
  'device': (string);
}
