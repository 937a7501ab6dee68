import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends } from '../testing.js';
import { mul } from './mul.js';
import { sum } from './sum.js';

describe.each(testBackends())('sum on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('reduces to a scalar', () => {
    const s = sum(Tensor.fromArray([1, 2, 3, 4.5], [2, 2]));
    expect(s.shape).toEqual([]);
    expect(s.item()).toBe(10.5);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(8);
    const x = randomTensor([3, 4], random, { requiresGrad: true });
    expect(gradientCheck(([p]) => sum(mul(p, p)), [x]).maxError).toBeLessThan(1e-2);
    expect(gradientCheck(([p]) => sum(p), [x]).maxError).toBeLessThan(1e-2);
  });
});
