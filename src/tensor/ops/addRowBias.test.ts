import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { recordTape } from '../tape.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { addRowBias, addRowBiasInPlace } from './addRowBias.js';
import { matmul } from './matmul.js';

describe.each(testBackends())('addRowBias on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('adds one bias value per row', () => {
    const y = addRowBias(Tensor.fromArray([1, 2, 3, 4, 5, 6], [2, 3]), Tensor.fromArray([10, -1], [2]));
    expect(Array.from(y.data)).toEqual([11, 12, 13, 3, 4, 5]);
  });

  it('has gradients that match finite differences', () => {
    const random = new Random(2);
    const x = randomTensor([4, 7], random, { requiresGrad: true });
    const bias = randomTensor([4], random, { requiresGrad: true });
    const w = randomTensor([4, 7], random);
    const { maxError } = gradientCheck(([p, q]) => weightedSum(addRowBias(p, q), w), [x, bias]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('in place on a fresh product: the numbers and gradients of addRowBias', () => {
    const random = new Random(3);
    const w = randomTensor([4, 5], random, { requiresGrad: true });
    const x = randomTensor([5, 7], random, { requiresGrad: true });
    const bias = randomTensor([4], random, { requiresGrad: true });
    const mix = randomTensor([4, 7], random);
    const grads = (inPlace: boolean) => {
      for (const t of [w, x, bias]) t.grad?.fill(0);
      const { tape, result } = recordTape(() => {
        const y = matmul(w, x);
        return weightedSum(inPlace ? addRowBiasInPlace(y, bias) : addRowBias(y, bias), mix);
      });
      tape.backward(result);
      const all = [result.item(), ...[w, x, bias].flatMap((t) => Array.from(t.grad!))];
      tape.dispose();
      return all;
    };
    expect(grads(true)).toEqual(grads(false));
    const { maxError } = gradientCheck(
      ([p, q, b]) => weightedSum(addRowBiasInPlace(matmul(p, q), b), mix),
      [w, x, bias],
    );
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names both shapes when the bias does not fit', () => {
    expect(() => addRowBias(Tensor.zeros([2, 3]), Tensor.zeros([3]))).toThrow(/x \[2, 3\] and bias \[3\]/);
  });
});
