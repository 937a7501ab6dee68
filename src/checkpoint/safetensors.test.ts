import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors, type NamedTensor } from './safetensors.js';

const tensors: NamedTensor[] = [
  { name: 'w', dtype: 'F32', shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, 1e-30, -0) },
  { name: 'idx', dtype: 'I32', shape: [3], data: Int32Array.of(0, 7, -2147483648) },
  { name: 'mask', dtype: 'U8', shape: [0], data: new Uint8Array(0) },
  { name: 'd', dtype: 'F64', shape: [1], data: Float64Array.of(Math.PI) },
];

/** A file with this header text (padded) and these data bytes. */
function rawFile(header: unknown, dataBytes: number): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const length = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + length + dataBytes).fill(0x20, 8, 8 + length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(length), true);
  bytes.set(json, 8);
  return bytes;
}

describe('safetensors', () => {
  it('writes the layout: u64 LE header length (multiple of 8), space-padded JSON, data in order', () => {
    const bytes = encodeSafetensors(tensors, { note: 'hi' });
    const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header.w).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.idx).toEqual({ dtype: 'I32', shape: [3], data_offsets: [24, 36] });
    expect(header.mask).toEqual({ dtype: 'U8', shape: [0], data_offsets: [36, 36] });
    expect(header.d).toEqual({ dtype: 'F64', shape: [1], data_offsets: [36, 44] });
    expect(header.__metadata__).toEqual({ note: 'hi' });
    expect(bytes.length).toBe(8 + length + 44);
    expect(new DataView(bytes.buffer).getFloat32(8 + length + 8, true)).toBe(3.5);
  });

  it('reads back every tensor bit for bit, and the metadata', () => {
    const { tensors: read, metadata } = decodeSafetensors(encodeSafetensors(tensors, { a: '1' }), 'f');
    expect(metadata).toEqual({ a: '1' });
    expect(read.map((t) => [t.name, t.dtype, t.shape])).toEqual(
      tensors.map((t) => [t.name, t.dtype, t.shape]),
    );
    for (const [i, t] of read.entries()) expect(Array.from(t.data)).toEqual(Array.from(tensors[i]!.data));
    expect(Object.is(read[0]!.data[5], -0)).toBe(true);
  });

  it('refuses malformed files with an error naming the file and the problem', () => {
    const entry = { dtype: 'F32', shape: [2], data_offsets: [0, 8] };
    const cases: [Uint8Array, RegExp][] = [
      [new Uint8Array(5), /fewer than the 8-byte header length/],
      [rawFile({ a: entry }, 8).subarray(0, 20), /runs past the end|not valid JSON/],
      [rawFile([1, 2], 0), /not a JSON object/],
      [rawFile({ a: { ...entry, dtype: 'F8_E4M3' } }, 8), /dtype "F8_E4M3"/],
      [rawFile({ a: { ...entry, shape: [-1] } }, 8), /shape \[-1\]/],
      [rawFile({ a: { ...entry, shape: [3] } }, 8), /needs 12 bytes, its offsets span 8/],
      [rawFile({ a: { ...entry, data_offsets: [8, 0] } }, 8), /data_offsets \[8,0\]/],
      [rawFile({ a: entry, b: { ...entry, data_offsets: [4, 12] } }, 12), /overlaps/],
      [rawFile({ a: { ...entry, data_offsets: [4, 12] } }, 12), /gap of 4 bytes/],
      [rawFile({ a: entry }, 4), /need 8 data bytes but the file has 4/],
      [rawFile({ a: entry }, 9), /1 bytes follow the last tensor/],
      [rawFile({ a: entry, __metadata__: { x: 1 } }, 8), /__metadata__.x is not a string/],
      [rawFile({ a: 3 }, 0), /tensor a is not an object/],
    ];
    for (const [bytes, problem] of cases) {
      expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(problem);
      expect(() => decodeSafetensors(bytes, 'bad.safetensors')).toThrow(/^bad\.safetensors is not a valid/);
    }
    const huge = new Uint8Array(16);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 63n, true);
    expect(() => decodeSafetensors(huge, 'h')).toThrow(/header length 9223372036854775808 runs past the end/);
  });

  it('refuses to write what it could not read back', () => {
    const bad = { name: 'x', dtype: 'I32', shape: [2], data: new Float32Array(2) } as const;
    expect(() => encodeSafetensors([bad], {})).toThrow(/is I32 but holds a Float32Array/);
    const wrongShape = { name: 'x', dtype: 'F32', shape: [3], data: new Float32Array(2) } as const;
    expect(() => encodeSafetensors([wrongShape], {})).toThrow(/shape \[3\] but 2 entries/);
    expect(() => encodeSafetensors([tensors[0]!, tensors[0]!], {})).toThrow(/two tensors are named w/);
  });
});
