import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { add } from './add.js';

describe.each(testBackends())('add on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('adds elementwise', () => {
    expect(
      Array.from(add(Tensor.fromArray([1, 2, 3], [3]), Tensor.fromArray([10, 20, 30], [3])).data),
    ).toEqual([11, 22, 33]);
  });

  it('has gradients that match finite differences, also when both operands are one tensor', () => {
    const random = new Random(5);
    const a = randomTensor([3, 4], random, { requiresGrad: true });
    const b = randomTensor([3, 4], random, { requiresGrad: true });
    const w = randomTensor([3, 4], random);
    expect(gradientCheck(([p, q]) => weightedSum(add(p, q), w), [a, b]).maxError).toBeLessThan(1e-2);
    expect(gradientCheck(([p]) => weightedSum(add(p, p), w), [a]).maxError).toBeLessThan(1e-2);
  });

  it('names both shapes when they differ', () => {
    expect(() => add(Tensor.zeros([2, 3]), Tensor.zeros([3, 2]))).toThrow(/a \[2, 3\] and b \[3, 2\]/);
  });
});
