// Node attributes as plain values, turned into AttributeProto messages.
import { OnnxAttributeType, type AttributeMessage } from './onnx-proto.js';

/** A float attribute whose value happens to be whole (ONNX would otherwise get an INT); see `float()`. */
export interface FloatAttribute {
  readonly kind: 'float';
  readonly value: number | readonly number[];
}

/**
 * An attribute value: whole numbers become INT(S), other numbers FLOAT(S), strings STRING.
 * Wrap a whole-numbered float in `float()` because the JS number alone cannot say which one is meant.
 */
export type AttributeValue = number | readonly number[] | string | FloatAttribute;

/** The attributes of one node, by name. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** Marks a value as FLOAT/FLOATS even when it is whole, e.g. `{ alpha: float(1) }`. */
export function float(value: number | readonly number[]): FloatAttribute {
  return { kind: 'float', value };
}

/** The AttributeProto messages for `attributes`, in a stable (sorted) order. */
export function attributeMessages(attributes: Attributes): AttributeMessage[] {
  return Object.keys(attributes)
    .sort()
    .map((name) => attributeMessage(name, attributes[name]!));
}

function attributeMessage(name: string, value: AttributeValue): AttributeMessage {
  if (typeof value === 'string') {
    return { name, type: OnnxAttributeType.STRING, s: new TextEncoder().encode(value) };
  }
  if (typeof value === 'number') {
    return Number.isInteger(value)
      ? { name, type: OnnxAttributeType.INT, i: value }
      : { name, type: OnnxAttributeType.FLOAT, f: value };
  }
  if (isFloatAttribute(value)) {
    const v = value.value;
    return typeof v === 'number'
      ? { name, type: OnnxAttributeType.FLOAT, f: v }
      : { name, type: OnnxAttributeType.FLOATS, floats: [...v] };
  }
  return value.every((v) => Number.isInteger(v))
    ? { name, type: OnnxAttributeType.INTS, ints: [...value] }
    : { name, type: OnnxAttributeType.FLOATS, floats: [...value] };
}

function isFloatAttribute(value: readonly number[] | FloatAttribute): value is FloatAttribute {
  return !Array.isArray(value) && (value as FloatAttribute).kind === 'float';
}
