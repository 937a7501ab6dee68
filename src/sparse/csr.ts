/**
 * Sparse patterns in compressed sparse row (CSR) form: which entries of a [rows × cols] matrix are kept.
 *
 * Row r keeps the columns columnIndices[rowOffsets[r] .. rowOffsets[r+1]), strictly ascending, so the entry
 * order is the ascending order of flat indices (flat = row·cols + col). Every array that goes with a pattern
 * (values, gradients, optimizer state) is stored in this entry order.
 *
 * Memory: the kernels address arrays by offset into the shared heap, so patterns are allocated on
 * `engine().heap` unless the caller passes another `PatternMemory` (the heap of a specific engine, or
 * `plainMemory` for ordinary arrays that only TypeScript reads). Heap patterns are returned with `freePattern`.
 */
import { engine } from '../kernels/engine.js';

export interface CsrPattern {
  readonly rows: number;
  readonly cols: number;
  /** rows + 1 entries; rowOffsets[0] = 0 and rowOffsets[rows] = nnz. */
  readonly rowOffsets: Int32Array;
  /** nnz entries: the column of each kept entry, ascending within a row. */
  readonly columnIndices: Int32Array;
}

/** Where pattern arrays come from: a Heap satisfies it, and so does `plainMemory`. */
export interface PatternMemory {
  allocI32(length: number): Int32Array;
}

/** Allocates pattern arrays as ordinary (non-heap) typed arrays: fine for TypeScript, not for wasm kernels. */
export const plainMemory: PatternMemory = { allocI32: (length) => new Int32Array(length) };

function defaultMemory(): PatternMemory {
  return engine().heap;
}

/** Number of kept entries. */
export function patternSize(pattern: CsrPattern): number {
  return pattern.rowOffsets[pattern.rows];
}

/** Returns a heap pattern's arrays to the heap that allocated them; the pattern must not be used afterwards. */
export function freePattern(pattern: CsrPattern, heap: { free(view: Int32Array): void }): void {
  heap.free(pattern.rowOffsets);
  heap.free(pattern.columnIndices);
}

/**
 * Builds the pattern whose kept entries are `flatIndices` (flat = row·cols + col, strictly ascending, each in
 * [0, rows·cols)), e.g. the output of selectTopK.
 */
export function csrFromSortedIndices(
  flatIndices: Int32Array,
  rows: number,
  cols: number,
  memory: PatternMemory = defaultMemory(),
): CsrPattern {
  checkShape(rows, cols);
  const n = rows * cols;
  const nnz = flatIndices.length;
  let previous = -1;
  for (let p = 0; p < nnz; p++) {
    const flat = flatIndices[p];
    if (flat <= previous || flat >= n) {
      throw new Error(
        `csrFromSortedIndices: index ${flat} at position ${p} is ${flat >= n ? `outside [0, ${n})` : 'not above the previous one'}: pass strictly ascending flat indices of a ${rows}×${cols} matrix`,
      );
    }
    previous = flat;
  }
  const rowOffsets = memory.allocI32(rows + 1);
  const columnIndices = memory.allocI32(nnz);
  let row = 0;
  for (let p = 0; p < nnz; p++) {
    const flat = flatIndices[p];
    const r = Math.floor(flat / cols);
    while (row < r) rowOffsets[++row] = p;
    columnIndices[p] = flat - r * cols;
  }
  while (row < rows) rowOffsets[++row] = nnz;
  return { rows, cols, rowOffsets, columnIndices };
}

/** The flat indices (row·cols + col) of the kept entries, ascending: the inverse of csrFromSortedIndices. */
export function csrToFlatIndices(pattern: CsrPattern, memory: PatternMemory = defaultMemory()): Int32Array {
  const { rows, cols, rowOffsets, columnIndices } = pattern;
  const flat = memory.allocI32(patternSize(pattern));
  for (let r = 0; r < rows; r++) {
    for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) flat[p] = r * cols + columnIndices[p];
  }
  return flat;
}

/** True when both patterns have the same shape and keep the same entries. */
export function patternsEqual(a: CsrPattern, b: CsrPattern): boolean {
  if (a.rows !== b.rows || a.cols !== b.cols) return false;
  const nnz = patternSize(a);
  if (nnz !== patternSize(b)) return false;
  for (let r = 0; r <= a.rows; r++) if (a.rowOffsets[r] !== b.rowOffsets[r]) return false;
  for (let p = 0; p < nnz; p++) if (a.columnIndices[p] !== b.columnIndices[p]) return false;
  return true;
}

/** The union a ∪ b of two patterns of the same shape (a row-by-row merge of sorted column lists). */
export function mergePatterns(
  a: CsrPattern,
  b: CsrPattern,
  memory: PatternMemory = defaultMemory(),
): CsrPattern {
  checkSameShape(a, b, 'mergePatterns');
  const rowOffsets = memory.allocI32(a.rows + 1);
  let nnz = 0;
  for (let r = 0; r < a.rows; r++) {
    nnz += mergeRow(a, b, r, null, nnz);
    rowOffsets[r + 1] = nnz;
  }
  const columnIndices = memory.allocI32(nnz);
  for (let r = 0; r < a.rows; r++) mergeRow(a, b, r, columnIndices, rowOffsets[r]);
  return { rows: a.rows, cols: a.cols, rowOffsets, columnIndices };
}

/** Merges row r of a and b into out[start..] (or only counts when out is null); returns the merged length. */
function mergeRow(a: CsrPattern, b: CsrPattern, r: number, out: Int32Array | null, start: number): number {
  let i = a.rowOffsets[r];
  const iEnd = a.rowOffsets[r + 1];
  let j = b.rowOffsets[r];
  const jEnd = b.rowOffsets[r + 1];
  let q = start;
  while (i < iEnd || j < jEnd) {
    const ca = i < iEnd ? a.columnIndices[i] : 0x7fffffff;
    const cb = j < jEnd ? b.columnIndices[j] : 0x7fffffff;
    const c = Math.min(ca, cb);
    if (ca === c) i++;
    if (cb === c) j++;
    if (out !== null) out[q] = c;
    q++;
  }
  return q - start;
}

/** True when every entry kept by `inner` is also kept by `outer` (same shape required). */
export function isSubsetPattern(inner: CsrPattern, outer: CsrPattern): boolean {
  checkSameShape(inner, outer, 'isSubsetPattern');
  return findPositions(inner, outer, null) === -1;
}

/**
 * For each entry of `inner`, its position in `outer`'s entry order: outerValues[positions[p]] is the value of
 * inner's p-th entry (e.g. where forward-set entries sit among the backward-set values).
 */
export function positionsInside(
  inner: CsrPattern,
  outer: CsrPattern,
  memory: PatternMemory = defaultMemory(),
): Int32Array {
  checkSameShape(inner, outer, 'positionsInside');
  const positions = memory.allocI32(patternSize(inner));
  const missing = findPositions(inner, outer, positions);
  if (missing !== -1) {
    const row = rowOf(inner, missing);
    throw new Error(
      `positionsInside: entry (${row}, ${inner.columnIndices[missing]}) of the inner pattern is not in the outer pattern: the inner pattern must be a subset (A ⊆ B)`,
    );
  }
  return positions;
}

/** Walks both patterns row by row; writes positions when given; returns the first inner entry not in outer, or −1. */
function findPositions(inner: CsrPattern, outer: CsrPattern, positions: Int32Array | null): number {
  for (let r = 0; r < inner.rows; r++) {
    let q = outer.rowOffsets[r];
    const qEnd = outer.rowOffsets[r + 1];
    for (let p = inner.rowOffsets[r]; p < inner.rowOffsets[r + 1]; p++) {
      const c = inner.columnIndices[p];
      while (q < qEnd && outer.columnIndices[q] < c) q++;
      if (q === qEnd || outer.columnIndices[q] !== c) return p;
      if (positions !== null) positions[p] = q;
    }
  }
  return -1;
}

function rowOf(pattern: CsrPattern, entry: number): number {
  let r = 0;
  while (pattern.rowOffsets[r + 1] <= entry) r++;
  return r;
}

function checkShape(rows: number, cols: number): void {
  if (
    !Number.isInteger(rows) ||
    !Number.isInteger(cols) ||
    rows < 0 ||
    cols < 0 ||
    rows * cols > 0x7fffffff
  ) {
    throw new Error(
      `CSR shape ${rows}×${cols} is invalid: rows and cols must be non-negative integers with rows·cols < 2^31`,
    );
  }
}

function checkSameShape(a: CsrPattern, b: CsrPattern, what: string): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new Error(
      `${what}: patterns are ${a.rows}×${a.cols} and ${b.rows}×${b.cols}; they must have the same shape`,
    );
  }
}
