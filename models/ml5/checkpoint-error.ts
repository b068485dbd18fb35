// The one error a user gets for an ml5 checkpoint folder the importer cannot read: the folder, its
// manifest.json, or a variable (missing, or not the size and shape TransformerNet needs).

/** What is wrong with the checkpoint. */
export type Ml5CheckpointProblem =
  | 'no-folder' // the path is missing or not a folder
  | 'no-manifest' // the folder has no readable manifest.json
  | 'bad-manifest' // manifest.json is not JSON, or an entry lacks filename/shape
  | 'missing-variable' // the manifest does not list a variable TransformerNet needs
  | 'wrong-shape' // a variable's shape in the manifest does not fit TransformerNet
  | 'missing-file' // a variable's file cannot be read
  | 'wrong-size'; // a variable's file does not hold shape-many float32 values

/** An ml5 checkpoint that cannot become an ONNX model; the message says what and where, on one line. */
export class Ml5CheckpointError extends Error {
  override readonly name = 'Ml5CheckpointError';
  readonly problem: Ml5CheckpointProblem;
  /** The checkpoint folder. */
  readonly dir: string;
  /** The variable at fault, when one is. */
  readonly variable: string | undefined;

  constructor(problem: Ml5CheckpointProblem, dir: string, message: string, options: { variable?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.problem = problem;
    this.dir = dir;
    this.variable = options.variable;
  }
}
