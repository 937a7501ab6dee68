import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { dropout } from './dropout.js';

describe.each(testBackends())('dropout on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('zeroes about a fraction p and scales the rest by 1/(1 − p), the same for the same seed', () => {
    const x = Tensor.fromArray(new Array(10000).fill(1), [100, 100]);
    const y = dropout(x, 0.25, new Random(3));
    const zeros = y.data.filter((v) => v === 0).length;
    expect(zeros / 10000).toBeCloseTo(0.25, 1);
    expect(y.data.every((v) => v === 0 || Math.abs(v - 4 / 3) < 1e-6)).toBe(true);
    expect(Array.from(dropout(x, 0.25, new Random(3)).data)).toEqual(Array.from(y.data));
  });

  it('has a gradient that matches finite differences (the mask is drawn again with the same seed)', () => {
    const random = new Random(8);
    const x = randomTensor([4, 6], random, { requiresGrad: true });
    const w = randomTensor([4, 6], random);
    const { maxError } = gradientCheck(([p]) => weightedSum(dropout(p, 0.5, new Random(11)), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('rejects a rate outside [0, 1)', () => {
    expect(() => dropout(Tensor.zeros([2]), 1, new Random(1))).toThrow(/rate must be in \[0, 1\), got 1/);
  });
});
