import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { reshape } from './reshape.js';

describe.each(testBackends())('reshape on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('keeps the entries in order under the new shape', () => {
    const x = Tensor.fromArray([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 1, 2]);
    const y = reshape(x, [4, 2]);
    expect(y.shape).toEqual([4, 2]);
    expect(Array.from(y.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(5);
    const x = randomTensor([3, 2, 2, 4], random, { requiresGrad: true });
    const w = randomTensor([12, 4], random);
    const { maxError } = gradientCheck(([input]) => weightedSum(reshape(input, [12, 4]), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names both sizes when they differ', () => {
    expect(() => reshape(Tensor.zeros([2, 3]), [4, 2])).toThrow(/\[2, 3\] has 6 entries, \[4, 2\] needs 8/);
  });
});
