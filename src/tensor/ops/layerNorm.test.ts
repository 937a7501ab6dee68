import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { layerNorm } from './layerNorm.js';

describe.each(testBackends())('layerNorm on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('normalises each column over the features, then scales and shifts per feature', () => {
    // Column 0 is (1, 3): mean 2, variance 1 → (−1, 1). Column 1 is constant → 0.
    const x = Tensor.fromArray([1, 5, 3, 5], [2, 2]);
    const y = layerNorm(x, Tensor.fromArray([2, 1], [2]), Tensor.fromArray([0, 10], [2]), 1e-12);
    for (const [i, e] of [-2, 0, 11, 10].entries()) expect(y.data[i]).toBeCloseTo(e, 5);
  });

  it('has gradients for x, gain and bias that match finite differences', () => {
    const random = new Random(7);
    const x = randomTensor([5, 4], random, { requiresGrad: true });
    const gain = randomTensor([5], random, { requiresGrad: true });
    const bias = randomTensor([5], random, { requiresGrad: true });
    const w = randomTensor([5, 4], random);
    const { maxError } = gradientCheck(
      ([a, g, b]) => weightedSum(layerNorm(a, g, b), w),
      [x, gain, bias],
      1e-3,
    );
    expect(maxError).toBeLessThan(2e-2);
  });

  it('names the shapes that do not fit', () => {
    expect(() => layerNorm(Tensor.zeros([3, 2]), Tensor.zeros([2]), Tensor.zeros([2]))).toThrow(
      /gain \[2\] and bias \[2\] must have one entry per feature of x \[3, 2\]/,
    );
  });
});
