// Original file: proto/stylerun.proto


export interface ChunkEncoding {
  'codec'?: (string);
  'crf'?: (number);
  'preset'?: (string);
  'pix_fmt'?: (string);
  'max_b_frames'?: (number);
}

export interface ChunkEncoding__Output {
  'codec': (string);
  'crf': (number);
  'preset': (string);
  'pix_fmt': (string);
  'max_b_frames': (number);
}
