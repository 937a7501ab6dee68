import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { addChannelBias } from './addChannelBias.js';

describe.each(testBackends())('addChannelBias on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('adds one value per channel and writes the requested shape', () => {
    const x = Tensor.fromArray([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]);
    const y = addChannelBias(x, Tensor.fromArray([10, 20], [2]), [2, 2, 1, 2]);
    expect(y.shape).toEqual([2, 2, 1, 2]);
    expect(Array.from(y.data)).toEqual([11, 12, 13, 14, 25, 26, 27, 28]);
  });

  it('has gradients for x and bias that match finite differences', () => {
    const random = new Random(3);
    const x = randomTensor([3, 10], random, { requiresGrad: true });
    const bias = randomTensor([3], random, { requiresGrad: true });
    const w = randomTensor([3, 5, 1, 2], random);
    const { maxError } = gradientCheck(
      ([input, b]) => weightedSum(addChannelBias(input, b, [3, 5, 1, 2]), w),
      [x, bias],
    );
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names the shapes when they do not fit', () => {
    expect(() => addChannelBias(Tensor.zeros([2, 4]), Tensor.zeros([3]))).toThrow(/bias \[3\]/);
    expect(() => addChannelBias(Tensor.zeros([2, 4]), Tensor.zeros([2]), [4, 2])).toThrow(
      /must keep x's 2 channels and 8 entries/,
    );
  });
});
