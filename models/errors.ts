// The one error a user gets for a model stylerun cannot use: a file that is not ONNX, or a graph whose inputs
// and outputs break the model contract (see models/README.md).

/** Which part of the model contract a model breaks. */
export type ModelContractProblem =
  | 'unreadable' // the file cannot be read (missing, a folder, no permission)
  | 'not-onnx' // the bytes are not an ONNX ModelProto
  | 'unloadable' // ONNX, but onnxruntime refuses it (unknown op, opset too new, ...)
  | 'input-count' // not exactly one input
  | 'output-count' // not exactly one output
  | 'not-tensor' // an input or output is a sequence or map
  | 'element-type' // not float32
  | 'layout' // not rank 4 (NCHW)
  | 'channels' // a fixed channel count other than 3
  | 'mixed-size' // one of H, W fixed and the other dynamic
  | 'multiple'; // the "stylerun.multiple" metadata is not a positive integer

/** A model stylerun cannot run; the message says what is wrong and what to do, on one line. */
export class ModelContractError extends Error {
  override readonly name = 'ModelContractError';
  readonly problem: ModelContractProblem;
  /** The model file, when the error came from loading one. */
  readonly modelPath: string | undefined;

  constructor(problem: ModelContractProblem, message: string, options: { modelPath?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.problem = problem;
    this.modelPath = options.modelPath;
  }
}
