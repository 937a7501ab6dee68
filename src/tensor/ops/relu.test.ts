import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { relu } from './relu.js';

describe.each(testBackends())('relu on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('clamps negatives to zero', () => {
    expect(Array.from(relu(Tensor.fromArray([-2, -0.5, 0, 0.5, 3], [5])).data)).toEqual([0, 0, 0, 0.5, 3]);
  });

  it('has a gradient that matches finite differences away from the kink', () => {
    const random = new Random(3);
    const x = randomTensor([5, 6], random, { requiresGrad: true, awayFromZero: 0.05 });
    const w = randomTensor([5, 6], random);
    const { maxError } = gradientCheck(([p]) => weightedSum(relu(p), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });
});
