// The subset of onnx.proto (github.com/onnx/onnx, onnx/onnx.proto) that stylerun writes: the graph builder in
// scripts/onnx and the model wrapper the ranks build at load time.
// Declared as a protobufjs JSON descriptor rather than a .proto read at run time, so the built code in dist/
// needs no asset next to it. Field numbers are copied from onnx.proto; fields we never write are left out,
// which is harmless because protobuf readers skip what they do not know.
import protobuf from 'protobufjs';

const tensorShapeDimension = {
  oneofs: { value: { oneof: ['dim_value', 'dim_param'] } },
  fields: {
    dim_value: { type: 'int64', id: 1 },
    dim_param: { type: 'string', id: 2 },
  },
};

const descriptor = {
  nested: {
    onnx: {
      nested: {
        ModelProto: {
          fields: {
            ir_version: { type: 'int64', id: 1 },
            producer_name: { type: 'string', id: 2 },
            producer_version: { type: 'string', id: 3 },
            domain: { type: 'string', id: 4 },
            model_version: { type: 'int64', id: 5 },
            doc_string: { type: 'string', id: 6 },
            graph: { type: 'GraphProto', id: 7 },
            opset_import: { rule: 'repeated', type: 'OperatorSetIdProto', id: 8 },
            metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 },
          },
        },
        StringStringEntryProto: {
          fields: {
            key: { type: 'string', id: 1 },
            value: { type: 'string', id: 2 },
          },
        },
        OperatorSetIdProto: {
          fields: {
            domain: { type: 'string', id: 1 },
            version: { type: 'int64', id: 2 },
          },
        },
        GraphProto: {
          fields: {
            node: { rule: 'repeated', type: 'NodeProto', id: 1 },
            name: { type: 'string', id: 2 },
            initializer: { rule: 'repeated', type: 'TensorProto', id: 5 },
            doc_string: { type: 'string', id: 10 },
            input: { rule: 'repeated', type: 'ValueInfoProto', id: 11 },
            output: { rule: 'repeated', type: 'ValueInfoProto', id: 12 },
          },
        },
        NodeProto: {
          fields: {
            input: { rule: 'repeated', type: 'string', id: 1 },
            output: { rule: 'repeated', type: 'string', id: 2 },
            name: { type: 'string', id: 3 },
            op_type: { type: 'string', id: 4 },
            attribute: { rule: 'repeated', type: 'AttributeProto', id: 5 },
            domain: { type: 'string', id: 7 },
          },
        },
        AttributeProto: {
          fields: {
            name: { type: 'string', id: 1 },
            f: { type: 'float', id: 2 },
            i: { type: 'int64', id: 3 },
            s: { type: 'bytes', id: 4 },
            t: { type: 'TensorProto', id: 5 },
            floats: { rule: 'repeated', type: 'float', id: 7 },
            ints: { rule: 'repeated', type: 'int64', id: 8 },
            type: { type: 'int32', id: 20 },
          },
        },
        TensorProto: {
          fields: {
            dims: { rule: 'repeated', type: 'int64', id: 1 },
            data_type: { type: 'int32', id: 2 },
            name: { type: 'string', id: 8 },
            raw_data: { type: 'bytes', id: 9 },
          },
        },
        ValueInfoProto: {
          fields: {
            name: { type: 'string', id: 1 },
            type: { type: 'TypeProto', id: 2 },
          },
        },
        TypeProto: {
          oneofs: { value: { oneof: ['tensor_type'] } },
          fields: { tensor_type: { type: 'TypeProtoTensor', id: 1 } },
        },
        // TypeProto.Tensor in onnx.proto; a nested message's name does not reach the wire.
        TypeProtoTensor: {
          fields: {
            elem_type: { type: 'int32', id: 1 },
            shape: { type: 'TensorShapeProto', id: 2 },
          },
        },
        TensorShapeProto: {
          fields: { dim: { rule: 'repeated', type: 'TensorShapeDimension', id: 1 } },
        },
        TensorShapeDimension: tensorShapeDimension,
      },
    },
  },
};

const root = protobuf.Root.fromJSON(descriptor);

/** The protobufjs type that encodes a whole ONNX model. */
export const ModelProto = root.lookupType('onnx.ModelProto');

/** The protobufjs type of one node, for editing a model's graph at the wire level (models/onnx/wrap-model.ts). */
export const NodeProto = root.lookupType('onnx.NodeProto');

/** The protobufjs type of a graph input or output declaration. */
export const ValueInfoProto = root.lookupType('onnx.ValueInfoProto');

/** TensorProto.DataType codes for the element types the builder supports. */
export const OnnxDataType = { float32: 1, uint8: 2, int32: 6, int64: 7 } as const;

/** An element type the builder can declare for inputs, outputs and constants. */
export type ElementType = keyof typeof OnnxDataType;

/** AttributeProto.AttributeType codes for the attribute kinds the builder writes. */
export const OnnxAttributeType = { FLOAT: 1, INT: 2, STRING: 3, TENSOR: 4, FLOATS: 6, INTS: 7 } as const;

/** A TensorProto as a plain object, with its payload little-endian in raw_data. */
export interface TensorMessage {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

/** An AttributeProto as a plain object; exactly one of the value fields is set, as `type` says. */
export interface AttributeMessage {
  name: string;
  type: number;
  f?: number;
  i?: number;
  s?: Uint8Array;
  t?: TensorMessage;
  floats?: number[];
  ints?: number[];
}

/** A NodeProto as a plain object. */
export interface NodeMessage {
  name: string;
  op_type: string;
  input: string[];
  output: string[];
  attribute: AttributeMessage[];
}

/** One dimension of a declared shape: a fixed size or a symbolic name. */
export type Dim = number | string;

/** A ValueInfoProto (graph input or output) as a plain object. */
export interface ValueInfoMessage {
  name: string;
  type: {
    tensor_type: {
      elem_type: number;
      shape: { dim: Array<{ dim_value: number } | { dim_param: string }> };
    };
  };
}
