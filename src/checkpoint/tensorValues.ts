/**
 * A file tensor's values in the types the model uses: F32 for weights (from F32, F64, F16 or BF16, as
 * PyTorch and other tools write them) and I32 for indices (from I32 or I64). A dtype that cannot hold what is
 * asked (integers for weights, floats for indices) or an index outside the I32 range is an error naming the
 * tensor.
 */
import type { NamedTensor } from './safetensors.js';

/** The tensor with float values as F32 and I64 as I32 (float32Values, int32Values); other dtypes as they are. */
export function widened(tensor: NamedTensor, source: string): NamedTensor {
  switch (tensor.dtype) {
    case 'F64':
    case 'F16':
    case 'BF16':
      return { ...tensor, dtype: 'F32', data: float32Values(tensor, source) };
    case 'I64':
      return { ...tensor, dtype: 'I32', data: int32Values(tensor, source) };
    default:
      return tensor;
  }
}

/** The tensor's values as F32 (F64 rounds to nearest; F16 and BF16 widen exactly). */
export function float32Values(tensor: NamedTensor, source: string): Float32Array {
  const { data, dtype } = tensor;
  switch (dtype) {
    case 'F32':
      return data as Float32Array;
    case 'F64':
      return Float32Array.from(data as Float64Array);
    case 'F16':
      return Float32Array.from(data as Uint16Array, halfToFloat);
    case 'BF16':
      // A bfloat16 is the upper half of the float32 with the same bits.
      return new Float32Array(Uint32Array.from(data as Uint16Array, (bits) => bits << 16).buffer);
    default:
      throw new Error(`${source}: tensor ${tensor.name} is ${dtype}; weights must be F32, F64, F16 or BF16`);
  }
}

/** The tensor's values as I32 (I64 entries must lie in the I32 range). */
export function int32Values(tensor: NamedTensor, source: string): Int32Array {
  const { data, dtype } = tensor;
  if (dtype === 'I32') return data as Int32Array;
  if (dtype !== 'I64') {
    throw new Error(`${source}: tensor ${tensor.name} is ${dtype}; indices must be I32 or I64`);
  }
  const wide = data as BigInt64Array;
  const narrow = new Int32Array(wide.length);
  for (let i = 0; i < wide.length; i++) {
    const value = wide[i]!;
    if (value < -2147483648n || value > 2147483647n) {
      throw new Error(`${source}: tensor ${tensor.name} holds ${value} at entry ${i}, outside the I32 range`);
    }
    narrow[i] = Number(value);
  }
  return narrow;
}

/** IEEE 754 binary16 bits → its value: sign, 5-bit exponent (bias 15), 10-bit fraction; subnormals, ±∞, NaN. */
export function halfToFloat(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}
