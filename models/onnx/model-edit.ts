// What the load-time model edits (the uint8 frame wrapper, the fp16 conversion) share: opening a serialized
// ModelProto at the wire level into its fields and its one graph's fields, and the shape of their answer.
import { concat, lenField, splitFields, stringField, varintValue, WireType, type WireField } from './wire.js';

/** An edited model's bytes, or why this model cannot be edited so (the caller falls back to another path). */
export type ModelEdit = { readonly ok: true; readonly model: Uint8Array } | { readonly ok: false; readonly reason: string };

// Field numbers from onnx.proto.
const MODEL = { graph: 7, opsetImport: 8 } as const;
const OPSET = { domain: 1, version: 2 } as const;

/** A model split into fields, with its graph's fields and its ai.onnx opset. */
export interface OpenModel {
  readonly fields: readonly WireField[];
  readonly graph: Uint8Array;
  readonly graphFields: readonly WireField[];
  readonly opset: number | undefined;
}

/** Splits `model`; a string says why it is not a ModelProto with exactly one graph. */
export function openModel(model: Uint8Array): OpenModel | string {
  try {
    const fields = splitFields(model);
    const graphs = fields.filter((f) => f.number === MODEL.graph);
    if (graphs.length !== 1) return `the model has ${graphs.length} graphs`;
    const graph = graphs[0]!.payload;
    return { fields, graph, graphFields: splitFields(graph), opset: defaultOpset(fields) };
  } catch (e) {
    return `the model is not a readable ModelProto (${(e as Error).message})`;
  }
}

/** The model with its graph replaced by `graph` (a serialized GraphProto); every other field kept as it was. */
export function withGraph(open: OpenModel, graph: Uint8Array): Uint8Array {
  return concat(open.fields.map((f) => (f.number === MODEL.graph ? lenField(MODEL.graph, graph) : f.raw)));
}

/** The version of the default (ai.onnx) domain in ModelProto.opset_import. */
function defaultOpset(fields: readonly WireField[]): number | undefined {
  for (const f of fields) {
    if (f.number !== MODEL.opsetImport || f.wireType !== WireType.LEN) continue;
    const domain = stringField(f.payload, OPSET.domain) ?? '';
    const version = splitFields(f.payload).find((e) => e.number === OPSET.version && e.wireType === WireType.VARINT);
    if ((domain === '' || domain === 'ai.onnx') && version) return varintValue(version);
  }
  return undefined;
}
