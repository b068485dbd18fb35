// The files a model's weights may live in besides the .onnx file itself (ONNX "external data": a tensor whose
// external_data entry "location" names a file relative to the model's folder). Whatever identifies a model (a
// job's recorded sources) must cover them: a retrained model with external data changes only them.
import { splitFields, stringField, WireType } from './wire.js';

// field numbers of onnx.proto
const modelGraph = 7;
const graphInitializer = 5;
const tensorExternalData = 13;
const entryKey = 1;
const entryValue = 2;

/** The external data files the main graph's initializers name, each once, sorted. */
export function externalDataLocations(model: Uint8Array): string[] {
  const found = new Set<string>();
  for (const graph of messages(model, modelGraph)) {
    for (const tensor of messages(graph, graphInitializer)) {
      for (const entry of messages(tensor, tensorExternalData)) {
        const location = stringField(entry, entryKey) === 'location' ? stringField(entry, entryValue) : undefined;
        if (location) found.add(location);
      }
    }
  }
  return [...found].sort();
}

function messages(message: Uint8Array, number: number): Uint8Array[] {
  return splitFields(message).filter((f) => f.number === number && f.wireType === WireType.LEN).map((f) => f.payload);
}
