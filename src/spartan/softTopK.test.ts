import { describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { sigmoid } from './logistic.js';
import { SAMPLE_SIZE } from './sampledShift.js';
import { softTopK } from './softTopK.js';
import { CHECK_TABLE, CHECK_VALUES } from './testing.js';

const keptIndices = (hard: Uint8Array) => Array.from(hard.keys()).filter((j) => hard[j] === 1);
const keptCost = (mask: Float64Array, costs?: ArrayLike<number>) =>
  mask.reduce((sum, m, j) => sum + (costs === undefined ? 1 : costs[j]) * m, 0);

/** Values 10^U(−8, 2) (the magnitudes the issue asks for), costs U(0.5, 4). */
function extremeProblem(seed: number, n: number): { values: Float64Array; costs: Float64Array } {
  const random = new Random(seed);
  const values = Float64Array.from({ length: n }, () => 10 ** (-8 + 10 * random.next()));
  const costs = Float64Array.from({ length: n }, () => 0.5 + 3.5 * random.next());
  return { values, costs };
}

describe('softTopK', () => {
  test.each(CHECK_TABLE)('the spec check vector at β = $beta: m and μ to 1e-6, hard {0, 4, 7}', (row) => {
    const result = softTopK({ values: Float64Array.from(CHECK_VALUES), budget: 3, beta: row.beta });
    result.mask.forEach((m, j) => {
      expect(Math.abs(m - row.mask[j])).toBeLessThan(1e-6);
    });
    expect(Math.abs(result.mu - row.mu)).toBeLessThan(1e-6);
    expect(keptIndices(result.hard)).toEqual([0, 4, 7]);
    // τ = 0.6 is entry 7's unit value, so its mask is σ(μ).
    expect(result.mask[7]).toBeCloseTo(sigmoid(result.mu), 15);
    expect(result.budgetError).toBeLessThan(1e-9);
    expect(result.iterations).toBeGreaterThan(0);
  });

  test('float32 values, explicit unit costs and omitted costs give the same mask', () => {
    const values = Float32Array.from(CHECK_VALUES);
    const plain = softTopK({ values, budget: 3.5, beta: 10 });
    const withCosts = softTopK({ values, costs: new Float64Array(8).fill(1), budget: 3.5, beta: 10 });
    const doubles = softTopK({ values: Float64Array.from(values), budget: 3.5, beta: 10 });
    for (let j = 0; j < 8; j++) {
      expect(withCosts.mask[j]).toBeCloseTo(plain.mask[j], 12);
      expect(doubles.mask[j]).toBeCloseTo(plain.mask[j], 12);
    }
    expect(keptIndices(withCosts.hard)).toEqual([0, 2, 4, 7]);
    expect(keptIndices(plain.hard)).toEqual([0, 2, 4, 7]);
  });

  test('the mask is σ(β(u − τ) + μ) with the returned μ, and meets the budget, with random costs', () => {
    const random = new Random(3);
    const n = 200;
    const values = Float64Array.from({ length: n }, () => random.next());
    const costs = Float64Array.from({ length: n }, () => 0.2 + 3 * random.next());
    const total = costs.reduce((a, b) => a + b, 0);
    for (const beta of [0.5, 5, 50, 500]) {
      const budget = 0.3 * total;
      const { mask, hard, mu, budgetError } = softTopK({ values, costs, budget, beta });
      const unit = Array.from(values, (v, j) => v / costs[j]);
      const tau = Math.min(...unit.filter((_, j) => hard[j] === 1));
      unit.forEach((u, j) => {
        expect(mask[j]).toBeCloseTo(sigmoid(beta * (u - tau) + mu), 12);
      });
      expect(budgetError).toBeLessThan(1e-9);
      expect(Math.abs(keptCost(mask, costs) - budget) / budget).toBeLessThan(1e-9);
    }
  });

  test('β = 1e4 gives the hard top-k; a fractional budget leaves only the boundary entry fractional', () => {
    const random = new Random(5);
    const n = 64;
    // Unit values 0.01 apart, in shuffled order: β·gap = 100, so the sigmoids saturate.
    const values = Float64Array.from(random.shuffle(Array.from({ length: n }, (_, i) => 0.01 * (i + 1))));
    for (const budget of [1, 7, 32, 63]) {
      const { mask, hard } = softTopK({ values, budget, beta: 1e4 });
      mask.forEach((m, j) => {
        expect(Math.abs(m - hard[j])).toBeLessThan(1e-9);
      });
      expect(keptIndices(hard).length).toBe(budget);
    }
    const costs = Float64Array.from({ length: n }, () => 1 + Math.floor(4 * random.next()));
    const unitOrder = Array.from({ length: n }, (_, j) => j).sort(
      (a, b) => values[b] / costs[b] - values[a] / costs[a],
    );
    const before = costs[unitOrder[0]] + costs[unitOrder[1]];
    const budget = before + 0.25 * costs[unitOrder[2]];
    const { mask, hard } = softTopK({ values, costs, budget, beta: 1e4 });
    expect(keptIndices(hard)).toEqual(unitOrder.slice(0, 3).sort((a, b) => a - b));
    expect(mask[unitOrder[2]]).toBeCloseTo(0.25, 9);
    for (const j of unitOrder.filter((j) => j !== unitOrder[2])) {
      expect(Math.abs(mask[j] - hard[j])).toBeLessThan(1e-9);
    }
  });

  test('κ = 1 gives m = 1 and κ = 0 gives m = 0, without solving', () => {
    const values = Float32Array.from(CHECK_VALUES);
    const costs = Float64Array.from([1, 2, 0.5, 3, 1.5, 1, 2.5, 0.7]);
    const total = costs.reduce((a, b) => a + b, 0);
    const all = softTopK({ values, costs, budget: total, beta: 10 });
    expect(Array.from(all.mask)).toEqual(new Array(8).fill(1));
    expect(Array.from(all.hard)).toEqual(new Array(8).fill(1));
    expect(all).toMatchObject({ mu: Number.POSITIVE_INFINITY, iterations: 0, budgetError: 0 });
    const none = softTopK({ values, costs, budget: 0, beta: 10 });
    expect(Array.from(none.mask)).toEqual(new Array(8).fill(0));
    expect(Array.from(none.hard)).toEqual(new Array(8).fill(0));
    expect(none).toMatchObject({ mu: Number.NEGATIVE_INFINITY, iterations: 0, budgetError: 0 });
    // A budget a rounding error above the total cost is the total cost.
    expect(
      softTopK({ values, costs, budget: total * (1 + 1e-14), beta: 10 }).mask.every((m) => m === 1),
    ).toBe(true);
    expect(softTopK({ values: new Float32Array(0), budget: 0, beta: 1 }).mask.length).toBe(0);
  });

  test('values spanning 1e-8..1e2 with random costs stay finite and meet the budget for β from 1 to 1e4', () => {
    const { values, costs } = extremeProblem(9, 3000);
    const total = costs.reduce((a, b) => a + b, 0);
    for (const beta of [1, 100, 1e4]) {
      for (const kept of [1e-3, 0.1, 0.9, 0.999]) {
        const budget = kept * total;
        const { mask, mu, budgetError, iterations } = softTopK({ values, costs, budget, beta });
        expect(Number.isFinite(mu)).toBe(true);
        expect(mask.every((m) => m >= 0 && m <= 1)).toBe(true);
        expect(budgetError).toBeLessThan(1e-9);
        expect(Math.abs(keptCost(mask, costs) - budget) / budget).toBeLessThan(1e-9);
        expect(iterations).toBeLessThanOrEqual(15);
        // A larger unit value never gets a smaller mask.
        const order = Array.from(mask.keys()).sort((a, b) => values[a] / costs[a] - values[b] / costs[b]);
        for (let i = 1; i < order.length; i++)
          expect(mask[order[i]]).toBeGreaterThanOrEqual(mask[order[i - 1]]);
      }
    }
  });

  test('large problems (sampled first guess) meet the budget in a few passes', () => {
    const random = new Random(13);
    const n = 4 * SAMPLE_SIZE + 7;
    const values = Float32Array.from({ length: n }, () => Math.abs(random.normal()));
    for (const beta of [1, 10, 100, 1000, 1e4]) {
      for (const kept of [0.01, 0.1, 0.5]) {
        const { mask, iterations, budgetError } = softTopK({ values, budget: kept * n, beta });
        expect(budgetError).toBeLessThan(1e-9);
        expect(Math.abs(keptCost(mask) - kept * n) / (kept * n)).toBeLessThan(1e-9);
        expect(iterations).toBeLessThanOrEqual(5);
      }
    }
  });

  test('refuses bad input, naming the argument', () => {
    const values = Float64Array.from([0.5, 0.2, 0.1]);
    const costs = Float64Array.from([1, 2, 3]);
    const bad: Array<[Parameters<typeof softTopK>[0], RegExp]> = [
      [{ values: Float64Array.from([0.5, -0.2, 0.1]), budget: 1, beta: 1 }, /value 1 is -0.2/],
      [{ values: Float64Array.from([0.5, Number.NaN, 0.1]), budget: 1, beta: 1 }, /value 1 is NaN/],
      [
        { values: Float64Array.from([Number.POSITIVE_INFINITY, 0, 0]), budget: 1, beta: 1 },
        /value 0 is Infinity/,
      ],
      [{ values, costs: Float64Array.from([1, 0, 3]), budget: 1, beta: 1 }, /cost 1 is 0/],
      [{ values, costs: Float64Array.from([1, 2, -3]), budget: 1, beta: 1 }, /cost 2 is -3/],
      [{ values, costs: Float64Array.from([Number.NaN, 2, 3]), budget: 1, beta: 1 }, /cost 0 is NaN/],
      [
        { values, costs: Float64Array.from([1, 2]), budget: 1, beta: 1 },
        /costs has 2 entries but values has 3/,
      ],
      [{ values, budget: -1, beta: 1 }, /budget = -1 is outside \[0, 3\]/],
      [{ values, costs, budget: 6.5, beta: 1 }, /budget = 6.5 is outside \[0, 6\]/],
      [{ values, budget: Number.NaN, beta: 1 }, /budget = NaN/],
      [{ values, budget: 1, beta: 0 }, /beta = 0 must be a finite number > 0/],
      [{ values, budget: 1, beta: -2 }, /beta = -2/],
      [{ values, budget: 1, beta: Number.POSITIVE_INFINITY }, /beta = Infinity/],
      [{ values, budget: 1e-300, beta: 1 }, /budget = 1e-300 is below .* pass budget 0/],
      [{ values, budget: 1, beta: 1, method: 'exact' as 'newton' }, /method 'exact' is unknown/],
      [
        { values: [0.5, 0.2] as unknown as Float64Array, budget: 1, beta: 1 },
        /values must be a Float32Array/,
      ],
    ];
    for (const [input, message] of bad) expect(() => softTopK(input)).toThrow(message);
  });
});
