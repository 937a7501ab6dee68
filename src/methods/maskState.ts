/**
 * Spartan's per-weight masks as plain data for a checkpoint's controller state (softMaskController.ts): a
 * mask is zero outside its kept entries, so it travels as the kept flat indices and, for a frozen mask, their
 * values, each array's little-endian bytes in base64. Decoding checks lengths and indices, so a crafted state
 * is refused with a one-line error rather than read out of bounds.
 */

/** A mask's kept entries: flat indices (Int32, ascending) and, for a valued mask, their values (Float32). */
export interface PackedMask {
  indices: string;
  values?: string;
}

/** The non-zero entries of `mask` (their values too when `withValues`). */
export function packMask(mask: Float32Array, withValues: boolean): PackedMask {
  let count = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) count++;
  const indices = new Int32Array(count);
  const values = new Float32Array(withValues ? count : 0);
  for (let i = 0, k = 0; i < mask.length; i++) {
    if (mask[i] === 0) continue;
    if (withValues) values[k] = mask[i];
    indices[k++] = i;
  }
  return withValues
    ? { indices: toBase64(littleEndian(indices)), values: toBase64(littleEndian(values)) }
    : { indices: toBase64(littleEndian(indices)) };
}

/**
 * Writes a packed mask into `mask` (zero elsewhere; 1 at the kept entries of a mask packed without values).
 * Throws, naming `what`, when the data does not fit a mask of this size.
 */
export function unpackMask(packed: PackedMask, mask: Float32Array, what: string): void {
  const fail = (problem: string): never => {
    throw new Error(`${what}: ${problem}: the checkpoint's controller state is not one topkast writes`);
  };
  if (typeof packed?.indices !== 'string') fail('the kept indices are missing');
  const indexBytes = fromBase64(packed.indices, fail);
  if (indexBytes.length % 4 !== 0) fail('the kept indices are not whole int32 values');
  const indices = new DataView(indexBytes.buffer);
  const count = indexBytes.length / 4;
  let values: DataView | null = null;
  if (packed.values !== undefined) {
    const valueBytes = fromBase64(packed.values, fail);
    if (valueBytes.length !== indexBytes.length) fail('the kept values do not match the kept indices');
    values = new DataView(valueBytes.buffer);
  }
  mask.fill(0);
  let previous = -1;
  for (let k = 0; k < count; k++) {
    const flat = indices.getInt32(4 * k, true);
    if (flat <= previous || flat >= mask.length)
      fail(`kept index ${flat} is out of order or outside the weight`);
    const value = values ? values.getFloat32(4 * k, true) : 1;
    if (!Number.isFinite(value) || value === 0) fail(`kept entry ${flat} has the value ${value}`);
    mask[flat] = value;
    previous = flat;
  }
}

/** The array's bytes in little-endian order. */
function littleEndian(array: Int32Array | Float32Array): Uint8Array {
  const bytes = new Uint8Array(4 * array.length);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < array.length; i++) {
    if (array instanceof Int32Array) view.setInt32(4 * i, array[i], true);
    else view.setFloat32(4 * i, array[i], true);
  }
  return bytes;
}

function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(text);
}

function fromBase64(text: string, fail: (problem: string) => never): Uint8Array {
  let binary = '';
  try {
    binary = atob(text);
  } catch {
    fail('an array is not base64');
  }
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
