import { describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { hardTopK } from './hardMask.js';

const keptIndices = (hard: Uint8Array) => Array.from(hard.keys()).filter((j) => hard[j] === 1);

/** The spec's definition by sorting: u descending, lower index first; keep through the first position whose
 * cumulative cost reaches K (nothing for K = 0, everything when rounding leaves the sum short of K). */
function sortedHardTopK(values: ArrayLike<number>, costs: ArrayLike<number>, budget: number) {
  const unit = Array.from(values, (v, j) => v / costs[j]);
  const order = unit.map((_, j) => j).sort((a, b) => (unit[b] === unit[a] ? a - b : unit[b] - unit[a]));
  const kept: number[] = [];
  let cumulative = 0;
  for (const j of order) {
    if (budget <= 0 || (kept.length > 0 && cumulative >= budget)) break;
    kept.push(j);
    cumulative += costs[j];
  }
  const threshold = kept.length === 0 ? Number.POSITIVE_INFINITY : unit[kept[kept.length - 1]];
  return { kept: kept.sort((a, b) => a - b), threshold };
}

describe('hardTopK', () => {
  test('the spec check vector: K = 3 keeps {0, 4, 7} with τ = 0.6', () => {
    const values = Float64Array.from([0.9, 0.1, 0.5, 0.3, 0.7, 0.05, 0.2, 0.6]);
    const { hard, threshold } = hardTopK(values, undefined, 3);
    expect(keptIndices(hard)).toEqual([0, 4, 7]);
    expect(threshold).toBe(0.6);
    const withCosts = hardTopK(values, new Float32Array(8).fill(1), 3);
    expect(keptIndices(withCosts.hard)).toEqual([0, 4, 7]);
    expect(withCosts.threshold).toBe(0.6);
  });

  test('the boundary entry is kept: a fractional budget rounds the count up; ties go to the lower index', () => {
    expect(keptIndices(hardTopK(Float32Array.from([3, 1, 2, 0]), undefined, 2.5).hard)).toEqual([0, 1, 2]);
    const ties = Float32Array.from([1, 2, 1, 1, 2, 1]);
    expect(keptIndices(hardTopK(ties, undefined, 3).hard)).toEqual([0, 1, 4]);
    expect(keptIndices(hardTopK(ties, Float64Array.from([1, 1, 1, 1, 1, 1]), 4).hard)).toEqual([0, 1, 2, 4]);
  });

  test('with costs: the cheapest prefix by unit value whose cost reaches K; K = 0 keeps nothing', () => {
    const values = Float64Array.from([4, 3, 2, 1]);
    const costs = Float64Array.from([4, 1, 1, 2]); // unit values 1, 3, 2, 0.5
    expect(keptIndices(hardTopK(values, costs, 1).hard)).toEqual([1]);
    expect(keptIndices(hardTopK(values, costs, 1.5).hard)).toEqual([1, 2]);
    expect(keptIndices(hardTopK(values, costs, 2.5).hard)).toEqual([0, 1, 2]);
    expect(hardTopK(values, costs, 2.5).threshold).toBe(1);
    expect(keptIndices(hardTopK(values, costs, 8).hard)).toEqual([0, 1, 2, 3]);
    const none = hardTopK(values, costs, 0);
    expect(keptIndices(none.hard)).toEqual([]);
    expect(none.threshold).toBe(Number.POSITIVE_INFINITY);
    expect(keptIndices(hardTopK(values, undefined, 0).hard)).toEqual([]);
  });

  test('matches the sort-based definition on random data with ties, integer and fractional costs', () => {
    const random = new Random(21);
    for (const n of [1, 2, 9, 100, 2000]) {
      for (const levels of [0, 4]) {
        const values = Float64Array.from({ length: n }, () =>
          levels ? Math.floor(random.next() * levels) : random.next(),
        );
        const integerCosts = Float64Array.from({ length: n }, () => 1 + Math.floor(random.next() * 3));
        const fractionalCosts = Float64Array.from({ length: n }, () => 0.1 + random.next());
        for (const costs of [integerCosts, fractionalCosts]) {
          const total = costs.reduce((a, b) => a + b, 0);
          // Budgets at, between and next to partial sums.
          for (const budget of [0, costs[0], 0.37 * total, 0.5 * total, Math.floor(total / 2), total]) {
            const expected = sortedHardTopK(values, costs, budget);
            const { hard, threshold } = hardTopK(values, costs, budget);
            expect(keptIndices(hard)).toEqual(expected.kept);
            expect(threshold).toBe(expected.threshold);
          }
        }
        const unitCosts = new Float64Array(n).fill(1);
        for (const budget of [0, 1, n / 3, n / 2, n]) {
          expect(keptIndices(hardTopK(values, undefined, budget).hard)).toEqual(
            sortedHardTopK(values, unitCosts, budget).kept,
          );
        }
      }
    }
  });

  test('a budget a rounding error above the summed costs keeps everything', () => {
    const costs = Float64Array.from([0.1, 0.2, 0.3]);
    const values = Float64Array.from([1, 2, 3]);
    const budget = (0.1 + 0.2 + 0.3) * (1 + 1e-15);
    expect(keptIndices(hardTopK(values, costs, budget).hard)).toEqual([0, 1, 2]);
    expect(keptIndices(hardTopK(values, undefined, 3 * (1 + 1e-15)).hard)).toEqual([0, 1, 2]);
  });
});
