// Original file: proto/stylerun.proto


export interface ChunkEncoding {
  'codec'?: (string);
  'crf'?: (number);
  'preset'?: (string);
  'pix_fmt'?: (string);
  'max_b_frames'?: (number);
  'color_space'?: (string);
  'color_primaries'?: (string);
  'color_trc'?: (string);
  'yuv_matrix'?: (string);
  'color_range'?: (string);
  'sample_aspect_ratio'?: (string);
}

export interface ChunkEncoding__Output {
  'codec': (string);
  'crf': (number);
  'preset': (string);
  'pix_fmt': (string);
  'max_b_frames': (number);
  'color_space': (string);
  'color_primaries': (string);
  'color_trc': (string);
  'yuv_matrix': (string);
  'color_range': (string);
  'sample_aspect_ratio': (string);
}
