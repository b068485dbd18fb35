// IEEE 754 binary16 ("fp16", ONNX FLOAT16) from JavaScript numbers, for converting weights at load time.
// Node 20 has no Float16Array, so the bits are computed: round to nearest, ties to even, as a GPU's
// float-to-half conversion does.

const MAX_HALF_BITS = 0x7bff; // 65504
const INFINITY_BITS = 0x7c00;
const NAN_BITS = 0x7e00;

/**
 * The binary16 bits nearest to `value`. Finite values beyond the half range are clamped to ±65504 rather than
 * made infinite: a large weight should stay large, not poison every sum it meets (onnxconverter-common does
 * the same). Values below half the smallest subnormal become ±0.
 */
export function halfBits(value: number): number {
  if (Number.isNaN(value)) return NAN_BITS;
  const sign = value < 0 || Object.is(value, -0) ? 0x8000 : 0;
  const a = Math.abs(value);
  if (a === Infinity) return sign | INFINITY_BITS;
  if (a < 2 ** -14) return sign | roundHalfEven(a / 2 ** -24); // subnormal; 1024 rolls into the smallest normal
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--; // log2 can be off by one ulp at powers of two
  else if (2 ** (exponent + 1) <= a) exponent++;
  if (exponent > 15) return sign | MAX_HALF_BITS;
  // A mantissa that rounds up to 1024 carries into the exponent, which is the right answer.
  const bits = (exponent + 15) * 1024 + roundHalfEven((a / 2 ** exponent - 1) * 1024);
  return sign | Math.min(bits, MAX_HALF_BITS);
}

/** The number that binary16 `bits` stand for (for tests and checks). */
export function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/** Float32 values as little-endian binary16 bytes, ready for a TensorProto's raw_data. */
export function halfBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setUint16(i * 2, halfBits(values[i]!), true);
  return out;
}

function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const rest = x - floor;
  if (rest > 0.5) return floor + 1;
  if (rest < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
