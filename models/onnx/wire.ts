// The protobuf wire format, just enough to split a message into its fields as raw bytes and put it back
// together: models are edited field by field, so every field stylerun does not touch (weights, value_info,
// functions, fields newer than our onnx.proto subset) is written back byte for byte, never re-encoded.

/** Wire types (protobuf encoding spec); groups (3, 4) are long deprecated and ONNX has none. */
export const WireType = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

/** One field of a message: its number, wire type, the whole field as it sits on the wire, and its payload. */
export interface WireField {
  readonly number: number;
  readonly wireType: number;
  /** Tag, length prefix (if any) and payload: what to copy to keep the field unchanged. */
  readonly raw: Uint8Array;
  /** For LEN fields the bytes after the length prefix; for the others the value's bytes. */
  readonly payload: Uint8Array;
}

/** Splits a serialized message into its fields, in wire order; throws on bytes that are not a message. */
export function splitFields(bytes: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < bytes.length) {
    const start = at;
    const [tag, afterTag] = readVarint(bytes, at);
    const number = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (number === 0) throw new Error(`field number 0 at byte ${start}`);
    let payloadStart = afterTag;
    let end: number;
    if (wireType === WireType.VARINT) end = readVarint(bytes, afterTag)[1];
    else if (wireType === WireType.I64) end = afterTag + 8;
    else if (wireType === WireType.I32) end = afterTag + 4;
    else if (wireType === WireType.LEN) {
      const [length, afterLength] = readVarint(bytes, afterTag);
      payloadStart = afterLength;
      end = afterLength + length;
    } else throw new Error(`unsupported wire type ${wireType} at byte ${start}`);
    if (end > bytes.length) throw new Error(`field ${number} at byte ${start} runs past the end`);
    fields.push({ number, wireType, raw: bytes.subarray(start, end), payload: bytes.subarray(payloadStart, end) });
    at = end;
  }
  return fields;
}

/** A LEN field (a string, bytes or an embedded message) as it sits on the wire. */
export function lenField(number: number, payload: Uint8Array): Uint8Array {
  return concat([varint(number * 8 + WireType.LEN), varint(payload.length), payload]);
}

/** A VARINT field (an int, an enum, a bool) as it sits on the wire; `value` must be a whole number >= 0. */
export function varintField(number: number, value: number): Uint8Array {
  return concat([varint(number * 8 + WireType.VARINT), varint(value)]);
}

/** The first LEN field `number` of a message, decoded as UTF-8; undefined when absent. */
export function stringField(message: Uint8Array, number: number): string | undefined {
  const field = splitFields(message).find((f) => f.number === number && f.wireType === WireType.LEN);
  return field && new TextDecoder().decode(field.payload);
}

/** The value of a VARINT field as a number (exact up to 2^53, which covers sizes and opset versions). */
export function varintValue(field: WireField): number {
  return readVarint(field.payload, 0)[0];
}

/** Concatenates byte arrays. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function varint(value: number): Uint8Array {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

// Arithmetic rather than bit shifts, which would wrap at 32 bits (a weight blob's length can pass 2^31).
function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, i + 1];
    scale *= 0x80;
  }
  throw new Error(`truncated varint at byte ${at}`);
}
