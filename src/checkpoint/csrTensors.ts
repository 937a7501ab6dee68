/**
 * Sparse sets as file tensors: a set of flat indices (row·cols + col, strictly ascending) becomes two I32
 * tensors, `indptr` (rows + 1 row offsets) and `indices` (the column of each entry, ascending within a row), and
 * back, checking everything on the way in.
 */
import { csrFromSortedIndices, plainMemory } from '../sparse/csr.js';
import type { NamedTensor } from './safetensors.js';

/** `<prefix>.indptr` and `<prefix>.indices` of the set `flat` of a rows×cols matrix. */
export function csrTensors(prefix: string, flat: Int32Array, rows: number, cols: number): NamedTensor[] {
  const { rowOffsets, columnIndices } = csrFromSortedIndices(flat, rows, cols, plainMemory);
  return [
    { name: `${prefix}.indptr`, dtype: 'I32', shape: [rows + 1], data: rowOffsets },
    { name: `${prefix}.indices`, dtype: 'I32', shape: [columnIndices.length], data: columnIndices },
  ];
}

/**
 * The ascending flat indices of a CSR set of a rows×cols matrix; throws, naming `what`, unless indptr starts
 * at 0, never decreases and ends at the number of indices, and each row's columns are in [0, cols), ascending.
 */
export function flatFromCsr(
  indptr: Int32Array,
  indices: Int32Array,
  rows: number,
  cols: number,
  what: string,
): Int32Array {
  if (indptr.length !== rows + 1 || indptr[0] !== 0 || indptr[rows] !== indices.length) {
    throw new Error(
      `${what}: indptr must have ${rows + 1} row offsets from 0 to ${indices.length}, got ${indptr.length} ending at ${indptr[indptr.length - 1]}`,
    );
  }
  const flat = new Int32Array(indices.length);
  for (let r = 0; r < rows; r++) {
    const begin = indptr[r]!;
    const end = indptr[r + 1]!;
    if (end < begin) throw new Error(`${what}: indptr decreases at row ${r}`);
    for (let p = begin; p < end; p++) {
      const col = indices[p]!;
      if (col < 0 || col >= cols || (p > begin && col <= indices[p - 1]!)) {
        throw new Error(
          `${what}: column ${col} at entry ${p} (row ${r}) is outside [0, ${cols}) or not above the previous one`,
        );
      }
      flat[p] = r * cols + col;
    }
  }
  return flat;
}
