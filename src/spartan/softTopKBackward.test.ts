import { describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { softTopK } from './softTopK.js';
import { softTopKBackward } from './softTopKBackward.js';

describe('softTopKBackward', () => {
  test.each([1, 5, 20])(
    'agrees with central differences of L = Σ w_j m_j at β = %d, random costs',
    (beta) => {
      const random = new Random(100 + beta);
      const n = 30;
      const values = Float64Array.from({ length: n }, () => 0.1 + random.next());
      const costs = Float64Array.from({ length: n }, () => 0.5 + 2.5 * random.next());
      const weights = Float64Array.from({ length: n }, () => random.normal());
      const budget = 0.4 * costs.reduce((a, b) => a + b, 0);
      const loss = (v: Float64Array) =>
        softTopK({ values: v, costs, budget, beta }).mask.reduce((sum, m, j) => sum + weights[j] * m, 0);

      const { mask } = softTopK({ values, costs, budget, beta });
      const gradient = softTopKBackward({ values, costs, budget, beta, mask, upstream: weights });
      const scale = Math.max(...gradient.map(Math.abs));
      const h = 1e-5;
      for (let j = 0; j < n; j++) {
        const plus = Float64Array.from(values);
        const minus = Float64Array.from(values);
        plus[j] += h;
        minus[j] -= h;
        const difference = (loss(plus) - loss(minus)) / (2 * h);
        expect(Math.abs(difference - gradient[j])).toBeLessThan(1e-5 * scale);
      }
    },
  );

  test('the kept cost Σ c_j m_j is held at K, so its gradient (upstream γ = c) is zero', () => {
    const random = new Random(7);
    const n = 50;
    const values = Float32Array.from({ length: n }, () => random.next());
    const costs = Float32Array.from({ length: n }, () => 1 + random.next());
    const budget = 0.2 * costs.reduce((a, b) => a + b, 0);
    const { mask } = softTopK({ values, costs, budget, beta: 8 });
    const gradient = softTopKBackward({ values, costs, budget, beta: 8, mask, upstream: costs });
    for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-12);
  });

  test('unit costs: ∂L/∂v_j = β a_j (γ_j − s) with s the a-weighted mean of γ', () => {
    const values = Float64Array.from([0.9, 0.1, 0.5, 0.3, 0.7, 0.05, 0.2, 0.6]);
    const upstream = Float64Array.from([1, 0, 0, 0, 0, 0, 0, 0]);
    const { mask } = softTopK({ values, budget: 3, beta: 10 });
    const gradient = softTopKBackward({ values, budget: 3, beta: 10, mask, upstream });
    const a = Array.from(mask, (m) => m * (1 - m));
    const s = a[0] / a.reduce((x, y) => x + y, 0);
    a.forEach((aj, j) => {
      expect(gradient[j]).toBeCloseTo(10 * aj * (upstream[j] - s), 14);
    });
    // Raising v_0 raises m_0 and lowers every other mask through μ.
    expect(gradient[0]).toBeGreaterThan(0);
  });

  test('a saturated mask (β = 1e4, κ = 1) gives a zero gradient, not NaN', () => {
    const values = Float64Array.from([0.9, 0.1, 0.5, 0.3]);
    const upstream = Float64Array.from([1, -2, 3, 0.5]);
    for (const budget of [2, 4]) {
      const { mask } = softTopK({ values, budget, beta: 1e4 });
      const gradient = softTopKBackward({ values, budget, beta: 1e4, mask, upstream });
      for (const g of gradient) expect(Math.abs(g)).toBeLessThan(1e-12);
    }
  });

  test('refuses a mask or upstream of the wrong length, and bad problem arguments', () => {
    const values = Float64Array.from([0.5, 0.2]);
    const mask = Float64Array.from([0.6, 0.4]);
    const upstream = Float64Array.from([1, 1]);
    expect(() =>
      softTopKBackward({ values, budget: 1, beta: 1, mask: new Float64Array(3), upstream }),
    ).toThrow(/mask must be the Float64Array of 2 entries/);
    expect(() =>
      softTopKBackward({ values, budget: 1, beta: 1, mask, upstream: new Float64Array(1) }),
    ).toThrow(/upstream must be a Float32Array or Float64Array of 2 entries/);
    expect(() => softTopKBackward({ values, budget: 1, beta: -1, mask, upstream })).toThrow(/beta = -1/);
    expect(() =>
      softTopKBackward({ values, costs: Float64Array.from([1, 0]), budget: 1, beta: 1, mask, upstream }),
    ).toThrow(/cost 1 is 0/);
  });
});
