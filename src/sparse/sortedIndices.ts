/**
 * Set operations on sorted index lists: the flat indices (row·cols + col) of a sparse weight's sets, strictly
 * ascending (../../shared/DESIGN.md, "sorted-index set operations"). Each is one merge pass or one binary
 * search; none keeps state.
 */

/** True when both lists hold the same indices in the same order. */
export function sameIndices(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** |a ∩ b| of two ascending index lists, in one merge pass. */
export function overlap(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return common;
}

/** a ∪ b of two disjoint ascending lists, ascending. */
export function mergeAscending(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length + b.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < out.length; k++)
    out[k] = j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++];
  return out;
}

/** b \ a for ascending lists, or null when a is not a subset of b (or either is not strictly ascending). */
export function ascendingDifference(b: Int32Array, a: Int32Array): Int32Array | null {
  if (a.length > b.length) return null;
  const out = new Int32Array(b.length - a.length);
  let i = 0;
  let k = 0;
  for (let j = 0; j < b.length; j++) {
    if (j > 0 && b[j] <= b[j - 1]) return null;
    if (i < a.length && a[i] === b[j]) i++;
    else if (i < a.length && a[i] < b[j]) return null;
    else if (k < out.length) out[k++] = b[j];
    else return null;
  }
  return i === a.length ? out : null;
}

/** The first position in [from, to) whose index is ≥ value (the list is ascending there); `to` if none. */
export function lowerBound(sorted: Int32Array, from: number, to: number, value: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Whether the ascending list holds `value` (binary search). */
export function containsIndex(sorted: Int32Array, value: number): boolean {
  const at = lowerBound(sorted, 0, sorted.length, value);
  return at < sorted.length && sorted[at] === value;
}
