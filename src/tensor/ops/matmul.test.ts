import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { matmul } from './matmul.js';

describe.each(testBackends())('matmul on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  const a = [1, 2, 3, 4, 5, 6]; // [2, 3]
  const b = [7, 8, 9, 10, 11, 12]; // [3, 2]

  it('computes the NN, TN and NT products', () => {
    const nn = matmul(Tensor.fromArray(a, [2, 3]), Tensor.fromArray(b, [3, 2]));
    expect(nn.shape).toEqual([2, 2]);
    expect(Array.from(nn.data)).toEqual([58, 64, 139, 154]);
    // Aᵀ with A stored [3, 2] = [[1,2],[3,4],[5,6]]: Aᵀ·B = [[1,3,5],[2,4,6]]·B.
    const tn = matmul(Tensor.fromArray(a, [3, 2]), Tensor.fromArray(b, [3, 2]), { transA: true });
    expect(Array.from(tn.data)).toEqual([89, 98, 116, 128]);
    // A·Bᵀ with B stored [2, 3] = [[7,8,9],[10,11,12]].
    const nt = matmul(Tensor.fromArray(a, [2, 3]), Tensor.fromArray(b, [2, 3]), { transB: true });
    expect(Array.from(nt.data)).toEqual([50, 68, 122, 167]);
  });

  it.each([
    { form: 'NN', aShape: [3, 5], bShape: [5, 4], options: {} },
    { form: 'TN', aShape: [5, 3], bShape: [5, 4], options: { transA: true } },
    { form: 'NT', aShape: [3, 5], bShape: [4, 5], options: { transB: true } },
  ])('has gradients that match finite differences ($form)', ({ aShape, bShape, options }) => {
    const random = new Random(11);
    const x = randomTensor(aShape, random, { requiresGrad: true });
    const y = randomTensor(bShape, random, { requiresGrad: true });
    const w = randomTensor([3, 4], random);
    const { maxError } = gradientCheck(([p, q]) => weightedSum(matmul(p, q, options), w), [x, y]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names both shapes when the inner dimensions differ', () => {
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([4, 2]))).toThrow(/a \[2, 3\] · b \[4, 2\]/);
    expect(() => matmul(Tensor.zeros([2, 3]), Tensor.zeros([3]))).toThrow(/2-D/);
  });
});
