import { describe, expect, test } from 'vitest';
import { sigmoid } from './logistic.js';
import { sinkhornSoftTopK } from './sinkhorn.js';
import { softTopK } from './softTopK.js';

const VALUES = Float64Array.from([0.9, 0.1, 0.5, 0.3, 0.7, 0.05, 0.2, 0.6]);
const COSTS = Float64Array.from([1, 2, 0.5, 3, 1.5, 1, 2.5, 0.7]);

/**
 * What the authors' loop returns on these problems (μ, Sinkhorn iterations, |Σ c m − K| / K), from a line-by-line
 * numpy transcription of its forward pass; the reference reports its loop index, one less than `iterations`.
 */
const REFERENCE = [
  {
    costs: undefined,
    budget: 3,
    beta: 1,
    mu: -0.3303676950628307,
    iterations: 4,
    budgetError: 0.005489970681604876,
  },
  {
    costs: undefined,
    budget: 3,
    beta: 10,
    mu: 0.4863650939076729,
    iterations: 5,
    budgetError: 0.03310062548249911,
  },
  {
    costs: undefined,
    budget: 3,
    beta: 50,
    mu: 0.6251018914650975,
    iterations: 4,
    budgetError: 0.11326064039270263,
  },
  {
    costs: COSTS,
    budget: 4.2,
    beta: 1,
    mu: -0.8248344697624763,
    iterations: 5,
    budgetError: 0.00493558604514129,
  },
  {
    costs: COSTS,
    budget: 4.2,
    beta: 10,
    mu: -1.6105167975444747,
    iterations: 5,
    budgetError: 0.11935548555225473,
  },
  {
    costs: COSTS,
    budget: 4.2,
    beta: 50,
    mu: -0.8810974780611691,
    iterations: 3,
    budgetError: 0.1924244626125634,
  },
];

describe("method 'sinkhorn'", () => {
  test.each(REFERENCE)(
    'reproduces the reference loop: β = $beta, K = $budget → μ $mu after $iterations iterations',
    (row) => {
      const result = softTopK({
        values: VALUES,
        costs: row.costs,
        budget: row.budget,
        beta: row.beta,
        method: 'sinkhorn',
      });
      expect(result.mu).toBeCloseTo(row.mu, 12);
      expect(result.iterations).toBe(row.iterations);
      expect(result.budgetError).toBeCloseTo(row.budgetError, 12);
      // Same form as the exact solver: m = σ(β(u − τ) + μ), τ = u at the boundary entry.
      const unit = Array.from(VALUES, (v, j) => v / (row.costs === undefined ? 1 : row.costs[j]));
      const tau = Math.min(...unit.filter((_, j) => result.hard[j] === 1));
      unit.forEach((u, j) => {
        expect(result.mask[j]).toBeCloseTo(sigmoid(row.beta * (u - tau) + result.mu), 14);
      });
    },
  );

  test('run to convergence, the Sinkhorn fixed point is the exact solution', () => {
    for (const beta of [1, 10]) {
      const exact = softTopK({ values: VALUES, costs: COSTS, budget: 4.2, beta });
      const tau = Math.min(
        ...Array.from(VALUES, (v, j) => v / COSTS[j]).filter((_, j) => exact.hard[j] === 1),
      );
      const mask = new Float64Array(VALUES.length);
      const { mu, keptCost } = sinkhornSoftTopK(
        { values: VALUES, costs: COSTS, budget: 4.2, beta, threshold: tau },
        mask,
        { maxIterations: 5000, tolerance: 1e-15 },
      );
      expect(mu).toBeCloseTo(exact.mu, 10);
      expect(keptCost).toBeCloseTo(4.2, 10);
      mask.forEach((m, j) => {
        expect(m).toBeCloseTo(exact.mask[j], 10);
      });
    }
  });

  test('stays finite at β = 1e4 with values spanning 1e-8..1e2 and stops within its 100 iterations', () => {
    const values = Float64Array.from({ length: 500 }, (_, i) => 10 ** (-8 + 10 * ((i * 0.618034) % 1)));
    const result = softTopK({ values, budget: 50, beta: 1e4, method: 'sinkhorn' });
    expect(Number.isFinite(result.mu)).toBe(true);
    expect(result.mask.every((m) => m >= 0 && m <= 1)).toBe(true);
    expect(result.iterations).toBeLessThanOrEqual(100);
    expect(Number.isFinite(result.budgetError)).toBe(true);
  });
});
