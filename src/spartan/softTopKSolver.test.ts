import { afterAll, describe, expect, test } from 'vitest';
import { createEngine, type Engine, engine, useEngine } from '../kernels/engine.js';
import { Random } from '../util/random.js';
import { softTopK } from './softTopK.js';
import { SoftTopKSolver } from './softTopKSolver.js';
import { CHECK_BUDGET, CHECK_TABLE, CHECK_VALUES } from './testing.js';
import { BAND_MIN_ENTRIES } from './thresholdBand.js';

interface Case {
  values: Float32Array;
  costs: Float32Array | null;
  budget: number;
  beta: number;
}

/** Solves `c` with the float32 solver on the current engine; the heap arrays are freed afterwards. */
function solve({ values, costs, budget, beta }: Case) {
  const { heap } = engine();
  const n = values.length;
  const heapValues = heap.allocF32(n);
  heapValues.set(values);
  const heapCosts = costs === null ? null : heap.allocF32(n);
  if (costs !== null) heapCosts!.set(costs);
  const soft = heap.allocF32(n);
  const effective = heap.allocF32(n);
  const totalCost = costs === null ? n : costs.reduce((a, b) => a + b, 0);
  const solver = new SoftTopKSolver();
  const solution = solver.solve(
    { values: heapValues, costs: heapCosts, totalCost, budget, beta },
    { soft, effective },
  );
  const result = { ...solution, soft: soft.slice(), effective: effective.slice() };
  solver.dispose();
  for (const view of [heapValues, soft, effective]) heap.free(view);
  if (heapCosts) heap.free(heapCosts);
  return result;
}

/** The float32 solver agrees with the float64 reference: masks to 2e-6, the same hard mask, the budget. */
function expectLikeReference(c: Case) {
  const got = solve(c);
  const want = softTopK({ values: c.values, costs: c.costs ?? undefined, budget: c.budget, beta: c.beta });
  for (let j = 0; j < c.values.length; j++) {
    if (Math.abs(got.soft[j] - want.mask[j]) > 2e-6) {
      throw new Error(`entry ${j}: m = ${got.soft[j]}, reference ${want.mask[j]}`);
    }
    if ((got.effective[j] > 0 ? 1 : 0) !== want.hard[j]) {
      throw new Error(`entry ${j}: m·h = ${got.effective[j]}, reference h = ${want.hard[j]}`);
    }
  }
  if (c.budget > 0 && c.budget < (c.costs ?? c.values).length) {
    expect(got.budgetError).toBeLessThanOrEqual(1e-6);
  }
  return got;
}

for (const backend of ['wasm-simd', 'reference'] as const) {
  describe(`SoftTopKSolver on the ${backend} kernels`, () => {
    const previous = engine();
    const own: Engine = createEngine(backend);
    useEngine(own);
    afterAll(() => useEngine(previous));
    const random = new Random(3);

    test.each(CHECK_TABLE)('the spec check vector at β = $beta', ({ beta, mask, mu }) => {
      useEngine(own);
      const got = solve({ values: Float32Array.from(CHECK_VALUES), costs: null, budget: CHECK_BUDGET, beta });
      for (let j = 0; j < 8; j++) expect(got.soft[j]).toBeCloseTo(mask[j], 6);
      expect(Array.from(got.effective, (m) => (m > 0 ? 1 : 0))).toEqual([1, 0, 0, 0, 1, 0, 0, 1]);
      expect(got.mu).toBeCloseTo(mu, 5);
      expect(got.threshold).toBe(Math.fround(0.6));
    });

    test.each([1, 10, 100, 1e4])('random values at β = %d, odd sizes, unit and non-unit costs', (beta) => {
      useEngine(own);
      for (const n of [1, 3, 37, 1001, 20011]) {
        const values = Float32Array.from({ length: n }, () => Math.abs(random.normal()) * 0.1);
        expectLikeReference({ values, costs: null, budget: Math.max(1, n * 0.1), beta });
        const costs = Float32Array.from({ length: n }, () => 1 + random.nextInt(16));
        const total = costs.reduce((a, b) => a + b, 0);
        expectLikeReference({ values, costs, budget: total * 0.3, beta });
      }
    });

    test('large problems: the sampled band of the threshold, and the full select when the band fails', () => {
      useEngine(own);
      const n = BAND_MIN_ENTRIES + 3;
      const values = Float32Array.from({ length: n }, () => Math.abs(random.normal()) * 0.05);
      for (const kept of [0.003, 0.1, 0.9])
        expectLikeReference({ values, costs: null, budget: kept * n, beta: 30 });
      // Half the entries tie at the threshold: the band holds too many to copy, so all entries are selected.
      const tied = Float32Array.from({ length: n }, (_, j) => (j % 2 === 0 ? 0.5 : 0.25 * random.next()));
      const got = expectLikeReference({ values: tied, costs: null, budget: n / 4 + 0.5, beta: 30 });
      expect(got.effective.filter((m) => m > 0).length).toBe(Math.ceil(n / 4 + 0.5));
    });

    test('sources: the solve writes the values scale·|w| itself, with the same masks whether its band hits or not', () => {
      useEngine(own);
      const { heap } = engine();
      const sizes = [BAND_MIN_ENTRIES >> 1, (BAND_MIN_ENTRIES >> 1) + 7];
      const n = sizes[0] + sizes[1];
      const weights = sizes.map((size) => {
        const w = heap.allocF32(size);
        for (let i = 0; i < size; i++) w[i] = random.normal() * 0.05;
        return w;
      });
      const sources = weights.map((w, l) => ({ weights: w, offset: l === 0 ? 0 : sizes[0], scale: 1 }));
      const arrays = () => ({
        values: heap.allocF32(n),
        soft: heap.allocF32(n),
        effective: heap.allocF32(n),
      });
      const solver = new SoftTopKSolver();
      const direct = arrays();
      weights.forEach((w, l) => {
        direct.values.set(w.map(Math.abs), sources[l].offset);
      });
      const problem = { costs: null, totalCost: n, budget: 0.1 * n, beta: 40 };
      const want = solver.solve({ ...problem, values: direct.values }, direct);
      const written = arrays();
      // The first solve samples zeros (its band misses), the second the values the first wrote.
      for (let round = 0; round < 2; round++) {
        const got = solver.solve({ ...problem, values: written.values, sources }, written);
        expect(got).toEqual(want);
        expect(Array.from(written.values)).toEqual(Array.from(direct.values));
        expect(Array.from(written.soft)).toEqual(Array.from(direct.soft));
        expect(Array.from(written.effective)).toEqual(Array.from(direct.effective));
      }
      solver.dispose();
      for (const view of [...weights, ...Object.values(direct), ...Object.values(written)]) heap.free(view);
    });

    test('ties keep the count exact, lower indices first', () => {
      useEngine(own);
      const values = Float32Array.from({ length: 101 }, (_, j) =>
        j % 5 === 0 ? 0.5 : j % 7 === 0 ? 0.9 : 0.1,
      );
      for (const budget of [3, 20, 21, 25, 40]) {
        const got = expectLikeReference({ values, costs: null, budget, beta: 20 });
        expect(got.effective.filter((m) => m > 0).length).toBe(budget);
      }
      const costs = Float32Array.from({ length: 101 }, (_, j) => 1 + (j % 3));
      for (const budget of [7.5, 30, 61]) expectLikeReference({ values, costs, budget, beta: 20 });
    });

    test('κ = 0 and κ = 1 are not solved for', () => {
      useEngine(own);
      const values = Float32Array.from([0.3, 0.1, 0.2]);
      const none = solve({ values, costs: null, budget: 0, beta: 5 });
      expect([...none.soft, ...none.effective]).toEqual([0, 0, 0, 0, 0, 0]);
      expect(none.passes).toBe(0);
      const all = solve({ values, costs: null, budget: 3, beta: 5 });
      expect([...all.soft, ...all.effective]).toEqual([1, 1, 1, 1, 1, 1]);
    });

    test('a NaN value is refused with its index', () => {
      useEngine(own);
      const values = Float32Array.from([0.3, Number.NaN, 0.2]);
      expect(() => solve({ values, costs: null, budget: 1, beta: 5 })).toThrow(/value 1 is NaN.*NaN weights/);
    });
  });
}
