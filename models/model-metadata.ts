// Reads ModelProto.metadata_props, which onnxruntime-node does not expose, straight from the model's bytes.
// Only field 14 is declared: protobufjs skips the graph and everything else without decoding it.
import protobuf from 'protobufjs';

const root = protobuf.Root.fromJSON({
  nested: {
    ModelMetadata: {
      fields: { metadata_props: { rule: 'repeated', type: 'StringStringEntryProto', id: 14 } },
    },
    StringStringEntryProto: {
      fields: { key: { type: 'string', id: 1 }, value: { type: 'string', id: 2 } },
    },
  },
});
const ModelMetadata = root.lookupType('ModelMetadata');

/** The model's metadata_props as a record; empty when it has none or the bytes cannot be decoded. */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  let decoded: { metadata_props?: Array<{ key?: string; value?: string }> };
  try {
    decoded = ModelMetadata.toObject(ModelMetadata.decode(bytes)) as typeof decoded;
  } catch {
    // Only called on models onnxruntime has already accepted, so this means "no readable hints", not "broken".
    return {};
  }
  const metadata: Record<string, string> = {};
  for (const { key, value } of decoded.metadata_props ?? []) {
    if (key) metadata[key] = value ?? '';
  }
  return metadata;
}
