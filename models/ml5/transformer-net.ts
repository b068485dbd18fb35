// TransformerNet (Johnson et al. 2016) as ml5 / deeplearn.js fast-style checkpoints store it: 16 convolutions
// in order, each followed by instance normalisation, three variables each (weight, IN shift, IN scale).
// The table is the one place that says what the network is; the checkpoint checks and the ONNX graph read it.

/** One convolution and the instance norm after it. */
export interface NetLayer {
  /** 'conv' weights are TF HWIO [k,k,in,out]; 'convTranspose' weights are [k,k,out,in]. */
  readonly kind: 'conv' | 'convTranspose';
  readonly kernel: number;
  readonly stride: number;
  /** ReLU after the norm (not after a residual block's second norm, nor the last layer's). */
  readonly relu: boolean;
  /** Index of the layer whose input is added after this layer's norm: the end of a residual block. */
  readonly addInputOf?: number;
}

const residualBlocks = 5;

/** The network, first layer first; layer i owns variables 3i (weight), 3i+1 (shift) and 3i+2 (scale). */
export const transformerNet: readonly NetLayer[] = [
  { kind: 'conv', kernel: 9, stride: 1, relu: true },
  { kind: 'conv', kernel: 3, stride: 2, relu: true },
  { kind: 'conv', kernel: 3, stride: 2, relu: true },
  ...Array.from({ length: residualBlocks }, (_, b): NetLayer[] => [
    { kind: 'conv', kernel: 3, stride: 1, relu: true },
    { kind: 'conv', kernel: 3, stride: 1, relu: false, addInputOf: 3 + 2 * b },
  ]).flat(),
  { kind: 'convTranspose', kernel: 3, stride: 2, relu: true },
  { kind: 'convTranspose', kernel: 3, stride: 2, relu: true },
  { kind: 'conv', kernel: 9, stride: 1, relu: false },
];

/** Instance-norm epsilon of the training recipe (lengstrom/fast-style-transfer). */
export const instanceNormEpsilon = 1e-3;

/** H and W must be multiples of this: two stride-2 convs down, two stride-2 transposed convs back up. */
export const sizeMultiple = 4;

/** The output mapping: clip(tanh(x) * scale + offset, 0, 255). */
export const outputScale = 150;
export const outputOffset = 127.5;

/** The checkpoint's name for variable i: "Variable", "Variable_1", ... */
export function variableName(index: number): string {
  return index === 0 ? 'Variable' : `Variable_${index}`;
}
