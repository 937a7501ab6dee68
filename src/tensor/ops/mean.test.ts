import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends } from '../testing.js';
import { mean } from './mean.js';
import { mul } from './mul.js';

describe.each(testBackends())('mean on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('averages all entries into a scalar', () => {
    expect(mean(Tensor.fromArray([1, 2, 3, 6], [4])).item()).toBe(3);
    expect(() => mean(Tensor.zeros([0]))).toThrow(/empty/);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(9);
    const x = randomTensor([5, 2], random, { requiresGrad: true });
    expect(gradientCheck(([p]) => mean(mul(p, p)), [x]).maxError).toBeLessThan(1e-2);
  });
});
