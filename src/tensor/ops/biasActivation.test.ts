import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { recordTape } from '../tape.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { addRowBias } from './addRowBias.js';
import { biasActivation } from './biasActivation.js';
import { gelu } from './gelu.js';
import { relu } from './relu.js';

describe.each(testBackends())('biasActivation on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each(['relu', 'gelu'] as const)(
    '%s: the numbers of addRowBias then the activation, both ways',
    (name) => {
      const random = new Random(5);
      const x = randomTensor([5, 13], random, { requiresGrad: true, awayFromZero: 0.05 });
      const bias = randomTensor([5], random, { requiresGrad: true });
      const w = randomTensor([5, 13], random);
      const unfused = recordTape(() => {
        const z = addRowBias(x, bias);
        return weightedSum(name === 'gelu' ? gelu(z) : relu(z), w);
      });
      unfused.tape.backward(unfused.result);
      const [dx, dbias] = [Array.from(x.grad!), Array.from(bias.grad!)];
      x.grad!.fill(0);
      bias.grad!.fill(0);
      const fused = recordTape(() => weightedSum(biasActivation(x, bias, name), w));
      fused.tape.backward(fused.result);
      expect(fused.result.item()).toBe(unfused.result.item());
      for (let i = 0; i < dx.length; i++) expect(x.grad![i]).toBeCloseTo(dx[i], 6);
      for (let i = 0; i < dbias.length; i++) expect(bias.grad![i]).toBeCloseTo(dbias[i], 5);
      unfused.tape.dispose();
      fused.tape.dispose();
    },
  );

  it.each(['relu', 'gelu'] as const)('%s: gradients match finite differences', (name) => {
    const random = new Random(6);
    const x = randomTensor([4, 7], random, { requiresGrad: true, awayFromZero: 0.2 });
    const bias = Tensor.fromArray([0.05, -0.05, 0.1, -0.1], [4], { requiresGrad: true });
    const w = randomTensor([4, 7], random);
    const { maxError } = gradientCheck(([p, q]) => weightedSum(biasActivation(p, q, name), w), [x, bias]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names both shapes when the bias does not fit', () => {
    expect(() => biasActivation(Tensor.zeros([2, 3]), Tensor.zeros([3]), 'gelu')).toThrow(
      /x \[2, 3\] and bias \[3\]/,
    );
  });
});
