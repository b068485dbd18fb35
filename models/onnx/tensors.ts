// Turning typed arrays into TensorProto messages and declared shapes into ValueInfoProto messages.
import { OnnxDataType, type Dim, type ElementType, type TensorMessage, type ValueInfoMessage } from './onnx-proto.js';

/** The typed arrays a constant can be made from; the array type fixes the ONNX element type. */
export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array;

/** A TensorProto holding `data` with shape `dims`, stored as raw little-endian bytes. */
export function tensorMessage(name: string, dims: readonly number[], data: TensorData): TensorMessage {
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) {
    throw new Error(`constant ${name}: dims [${dims.join(',')}] hold ${count} values but ${data.length} were given`);
  }
  return { name, dims: [...dims], data_type: OnnxDataType[elementTypeOf(data)], raw_data: littleEndianBytes(data) };
}

/** A ValueInfoProto for a tensor; string dims become symbolic (dim_param), numbers fixed (dim_value). */
export function valueInfoMessage(name: string, elementType: ElementType, dims: readonly Dim[]): ValueInfoMessage {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: OnnxDataType[elementType],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

function elementTypeOf(data: TensorData): ElementType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  return 'uint8';
}

// ONNX raw_data is little-endian whatever the host; DataView makes that explicit instead of assuming it.
function littleEndianBytes(data: TensorData): Uint8Array {
  const out = new Uint8Array(data.length * data.BYTES_PER_ELEMENT);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else if (data instanceof Int32Array) view.setInt32(i * 4, data[i]!, true);
    else if (data instanceof BigInt64Array) view.setBigInt64(i * 8, data[i]!, true);
    else out[i] = data[i]!;
  }
  return out;
}

/** Little-endian float32 bytes (raw_data, a checkpoint file) as values, whatever the host's byte order. */
export function littleEndianFloat32s(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(Math.floor(bytes.byteLength / 4));
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
