import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { mul } from './mul.js';

describe.each(testBackends())('mul on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('multiplies elementwise', () => {
    expect(
      Array.from(mul(Tensor.fromArray([1, 2, 3], [3]), Tensor.fromArray([4, -5, 0.5], [3])).data),
    ).toEqual([4, -10, 1.5]);
  });

  it('has gradients that match finite differences, also for a square x ⊙ x', () => {
    const random = new Random(6);
    const a = randomTensor([2, 5], random, { requiresGrad: true });
    const b = randomTensor([2, 5], random, { requiresGrad: true });
    const w = randomTensor([2, 5], random);
    expect(gradientCheck(([p, q]) => weightedSum(mul(p, q), w), [a, b]).maxError).toBeLessThan(1e-2);
    expect(gradientCheck(([p]) => weightedSum(mul(p, p), w), [a]).maxError).toBeLessThan(1e-2);
  });

  it('names both shapes when they differ', () => {
    expect(() => mul(Tensor.zeros([4]), Tensor.zeros([2, 2]))).toThrow(/a \[4\] and b \[2, 2\]/);
  });
});
