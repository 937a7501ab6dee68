import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { gelu } from './gelu.js';

describe.each(testBackends())('gelu on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('matches the tanh approximation', () => {
    const y = gelu(Tensor.fromArray([-3, -1, 0, 1, 3], [5]));
    const expected = [-0.0036373, -0.158808, 0, 0.841192, 2.9963627];
    for (const [i, e] of expected.entries()) expect(y.data[i]).toBeCloseTo(e, 5);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(4);
    const x = randomTensor([3, 9], random, { requiresGrad: true });
    for (let i = 0; i < x.size; i++) x.data[i] *= 3;
    const w = randomTensor([3, 9], random);
    const { maxError } = gradientCheck(([p]) => weightedSum(gelu(p), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });
});
