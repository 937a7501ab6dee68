import { describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { fastExp } from './fastExp.js';

describe('fastExp', () => {
  test('agrees with Math.exp to 6e-16 relative (each within a few ulps) over the normal range', () => {
    const random = new Random(11);
    let worst = 0;
    for (let i = 0; i < 200_000; i++) {
      // Alternately across [−708, 709] and near 0, where the table index wraps around.
      const x = i % 2 === 0 ? -708 + 1417 * random.next() : 4 * (random.next() - 0.5);
      worst = Math.max(worst, Math.abs(fastExp(x) - Math.exp(x)) / Math.exp(x));
    }
    expect(worst).toBeLessThan(6e-16);
    expect(fastExp(0)).toBe(1);
    expect(fastExp(1)).toBeCloseTo(Math.E, 15);
  });

  test('underflows to 0 and overflows to +∞ like Math.exp, and stays ≥ 0 on the subnormal range', () => {
    expect(fastExp(-746)).toBe(0);
    expect(fastExp(-1e6)).toBe(0);
    expect(fastExp(710)).toBe(Number.POSITIVE_INFINITY);
    expect(fastExp(1e6)).toBe(Number.POSITIVE_INFINITY);
    const subnormal = fastExp(-740);
    expect(Math.abs(subnormal - Math.exp(-740)) / Math.exp(-740)).toBeLessThan(1e-10);
  });
});
