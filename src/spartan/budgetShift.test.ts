import { describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { SHIFT_LIMIT, shiftBracket, solveBudgetShift } from './budgetShift.js';
import { sigmoid } from './logistic.js';
import { SAMPLE_SIZE, sampledShift } from './sampledShift.js';

/** A problem in shifted form: z, q = e^{−z}, costs, budget and its bracket. */
function shiftedProblem(z: number[], costs: number[], budget: number) {
  const total = costs.reduce((a, b) => a + b, 0);
  return {
    expNegShifted: Float64Array.from(z, (x) => Math.exp(-x)),
    costs: Float64Array.from(costs),
    budget,
    ...shiftBracket(
      budget,
      total,
      z.reduce((a, b) => Math.max(a, b)),
      z.reduce((a, b) => Math.min(a, b)),
    ),
  };
}

describe('solveBudgetShift', () => {
  test('converges to the same root from any start in the bracket, and writes the mask at it', () => {
    const random = new Random(1);
    const z = Array.from({ length: 40 }, () => 30 * (random.next() - 0.5));
    const costs = Array.from({ length: 40 }, () => 0.5 + random.next());
    const problem = shiftedProblem(z, costs, 9.3);
    const roots = [problem.lo, problem.hi, 0, -20, 17].map((guess) => {
      const mask = new Float64Array(40);
      const { mu, keptCost, iterations } = solveBudgetShift({ ...problem, guess }, mask);
      expect(Math.abs(keptCost - 9.3)).toBeLessThan(1e-11);
      expect(iterations).toBeLessThanOrEqual(20);
      z.forEach((x, j) => {
        expect(mask[j]).toBeCloseTo(sigmoid(x + mu), 14);
      });
      return mu;
    });
    for (const mu of roots) expect(mu).toBeCloseTo(roots[0], 9);
  });

  test('an isolated boundary (neighbours 500 apart in z) converges fast despite flat sigmoid tails', () => {
    const problem = shiftedProblem([1000, 500, 0, -500, -1000], [1, 1, 1, 1, 1], 3);
    const mask = new Float64Array(5);
    const { mu, keptCost, iterations } = solveBudgetShift({ ...problem, guess: 0 }, mask);
    expect(Math.abs(keptCost - 3)).toBeLessThan(1e-12);
    expect(Math.abs(mu)).toBeLessThanOrEqual(SHIFT_LIMIT);
    expect(iterations).toBeLessThanOrEqual(20);
    expect(Array.from(mask.subarray(0, 3))).toEqual([1, 1, 1]);
    expect(mask[3] + mask[4]).toBeLessThan(1e-60);
  });
});

describe('sampledShift', () => {
  test('is 0 for problems no larger than the sample', () => {
    expect(sampledShift(new Float32Array(SAMPLE_SIZE).fill(0.5), undefined, 0.1, 10, 0.5)).toBe(0);
  });

  test('is near the exact μ for a soft problem, and 0 for a nearly hard one', () => {
    const random = new Random(2);
    const n = 8 * SAMPLE_SIZE;
    const values = Float32Array.from({ length: n }, () => random.next());
    const sorted = Float64Array.from(values).sort();
    const threshold = sorted[n - Math.ceil(n / 10)]; // the hard threshold for K = n / 10
    const z = Array.from(values, (v) => 1 * (v - threshold));
    const exact = solveBudgetShift(
      { ...shiftedProblem(z, new Array(n).fill(1), n / 10), guess: 0 },
      new Float64Array(n),
    ).mu;
    expect(Math.abs(sampledShift(values, undefined, 0.1, 1, threshold) - exact)).toBeLessThan(0.02);
    expect(sampledShift(values, undefined, 0.1, 1e5, threshold)).toBe(0);
  });
});
