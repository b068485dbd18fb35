// A small builder for ONNX graphs: values are named by strings, nodes are added in order, and the result is
// a serialized ModelProto that onnxruntime loads. Enough for test fixtures, procedural styles and importers, not a
// general exporter: no subgraphs, no shape inference, no checks beyond what onnxruntime does at load.
import { attributeMessages, type Attributes } from './attributes.js';
import { ModelProto, type Dim, type ElementType, type NodeMessage, type TensorMessage, type ValueInfoMessage } from './onnx-proto.js';
import { tensorMessage, valueInfoMessage, type TensorData } from './tensors.js';

/** What `toModel` writes into the ModelProto around the graph; every field has a default. */
export interface ModelOptions {
  /** Default opset of the "" (ai.onnx) domain; 17 by default. */
  readonly opset?: number;
  /** ModelProto.ir_version; 8 (ONNX 1.10+) by default, which every onnxruntime from 1.10 reads. */
  readonly irVersion?: number;
  readonly graphName?: string;
  readonly docString?: string;
  /** Written as ModelProto.metadata_props, e.g. { 'stylerun.multiple': '4' }. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** Builds one ONNX graph; value names are plain strings that nodes pass to each other. */
export class GraphBuilder {
  private readonly nodes: NodeMessage[] = [];
  private readonly initializers: TensorMessage[] = [];
  private readonly inputs: ValueInfoMessage[] = [];
  private readonly outputs: ValueInfoMessage[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  /** Declares a graph input and returns its name; string dims are symbolic (dynamic). */
  input(name: string, dims: readonly Dim[], elementType: ElementType = 'float32'): string {
    this.claim(name);
    this.inputs.push(valueInfoMessage(name, elementType, dims));
    return name;
  }

  /** Adds a constant (an initializer) and returns its name. */
  constant(name: string, dims: readonly number[], data: TensorData): string {
    this.claim(name);
    this.initializers.push(tensorMessage(name, dims, data));
    return name;
  }

  /** A rank-0 float32 constant, for broadcasting arithmetic such as `Mul(x, scalar(1 / 255))`. */
  scalar(value: number, name = this.fresh('scalar')): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  /** A 1-D int64 constant, for the shape-like inputs of Pad, ReduceSum axes and the like. */
  int64s(values: readonly number[], name = this.fresh('ints')): string {
    return this.constant(name, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** Adds a node with one output and returns the output's name. Pass '' for an omitted optional input. */
  node(opType: string, inputs: readonly string[], attributes: Attributes = {}, outputName?: string): string {
    return this.nodeWithOutputs(opType, inputs, 1, attributes, outputName ? [outputName] : undefined)[0]!;
  }

  /** Adds a node with `outputCount` outputs and returns their names. */
  nodeWithOutputs(
    opType: string,
    inputs: readonly string[],
    outputCount: number,
    attributes: Attributes = {},
    outputNames?: readonly string[],
  ): string[] {
    for (const input of inputs) {
      if (input !== '' && !this.names.has(input)) throw new Error(`${opType}: unknown input value "${input}"`);
    }
    const name = this.fresh(opType);
    const output = outputNames ? [...outputNames] : Array.from({ length: outputCount }, (_, i) => `${name}_out${i}`);
    output.forEach((o) => this.claim(o));
    this.nodes.push({ name, op_type: opType, input: [...inputs], output, attribute: attributeMessages(attributes) });
    return output;
  }

  /** Declares `value` as a graph output called `name` (renaming it through Identity if it has another name). */
  output(value: string, name: string, dims: readonly Dim[], elementType: ElementType = 'float32'): string {
    const named = value === name ? value : this.node('Identity', [value], {}, name);
    this.outputs.push(valueInfoMessage(named, elementType, dims));
    return named;
  }

  /** The serialized ModelProto. */
  toModel(options: ModelOptions = {}): Uint8Array {
    if (this.inputs.length === 0 || this.outputs.length === 0) throw new Error('a graph needs an input and an output');
    const model = {
      ir_version: options.irVersion ?? 8,
      producer_name: 'stylerun',
      doc_string: options.docString ?? '',
      opset_import: [{ domain: '', version: options.opset ?? 17 }],
      metadata_props: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: options.graphName ?? 'graph',
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    };
    const problem = ModelProto.verify(model);
    if (problem) throw new Error(`invalid ModelProto: ${problem}`);
    return ModelProto.encode(ModelProto.fromObject(model)).finish();
  }

  private claim(name: string): void {
    if (this.names.has(name)) throw new Error(`value name "${name}" is used twice`);
    this.names.add(name);
  }

  private fresh(prefix: string): string {
    let name: string;
    do name = `${prefix}_${this.counter++}`;
    while (this.names.has(name));
    return name;
  }
}
