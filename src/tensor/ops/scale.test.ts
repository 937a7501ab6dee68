import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { scale } from './scale.js';

describe.each(testBackends())('scale on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('multiplies by a constant', () => {
    expect(Array.from(scale(Tensor.fromArray([1, -2, 4], [3]), -0.5).data)).toEqual([-0.5, 1, -2]);
    expect(() => scale(Tensor.zeros([1]), Number.NaN)).toThrow(/finite/);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(7);
    const x = randomTensor([4, 3], random, { requiresGrad: true });
    const w = randomTensor([4, 3], random);
    expect(gradientCheck(([p]) => weightedSum(scale(p, -2.5), w), [x]).maxError).toBeLessThan(1e-2);
  });
});
