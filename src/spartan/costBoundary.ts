import { Random } from '../util/random.js';
import type { Entries } from './softTopKInput.js';

/**
 * The boundary entry t* of a cost-weighted top-k (spec/spartan.md, "Hard mask"): order the entries by unit
 * value u_j descending, the lower index first among equal unit values; t* is the first entry in that order at
 * which the cumulative cost reaches the budget K.
 *
 * Method: quickselect on the cumulative cost instead of a rank. A pivot p splits the candidates into those
 * ordered before p and the rest; if the costs before p (plus those already passed) reach K, t* lies before p,
 * else if adding c_p reaches K, t* = p, else t* lies after p. The order is total (ties fall to the index), so
 * the answer does not depend on the pivots; they are drawn from a fixed-seed generator, giving expected O(n)
 * time (about 3n comparisons) with one Int32Array of n indices and random access into u and c.
 *
 * Returns −1 when K ≤ 0 (nothing needs keeping). When rounding leaves the summed costs just short of K, the
 * last entry examined is returned, which is then the last entry in the order: everything is kept.
 */
export function costBoundary(unitValues: Float64Array, costs: Entries, budget: number): number {
  const n = unitValues.length;
  if (budget <= 0 || n === 0) return -1;
  const order = new Int32Array(n);
  for (let j = 0; j < n; j++) order[j] = j;
  const random = new Random(0x5ba27a);
  const before = (a: number, b: number) =>
    unitValues[a] > unitValues[b] || (unitValues[a] === unitValues[b] && a < b);

  let lo = 0;
  let hi = n;
  let passedCost = 0;
  let pivot = -1;
  while (lo < hi) {
    // Lomuto partition of order[lo, hi) around a random pivot, parked at hi − 1 meanwhile.
    swap(order, lo + random.nextInt(hi - lo), hi - 1);
    pivot = order[hi - 1];
    let split = lo;
    let costBefore = 0;
    for (let k = lo; k < hi - 1; k++) {
      const entry = order[k];
      if (before(entry, pivot)) {
        swap(order, k, split++);
        costBefore += costs[entry];
      }
    }
    swap(order, split, hi - 1);
    if (passedCost + costBefore >= budget) {
      hi = split;
      continue;
    }
    passedCost += costBefore + costs[pivot];
    if (passedCost >= budget) return pivot;
    lo = split + 1;
  }
  return pivot;
}

function swap(array: Int32Array, i: number, j: number): void {
  const t = array[i];
  array[i] = array[j];
  array[j] = t;
}
