import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { embedding } from '../tensor/ops/embedding.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { randomTensor, testBackends, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { sparseEmbedding } from './sparseEmbedding.js';
import { SparseWeight } from './sparseWeight.js';

describe.each(testBackends())('sparseEmbedding on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('reads A, and gives B the dense gradient at its entries', () => {
    const random = new Random(6);
    const theta = randomTensor([4, 3], random);
    const forward = Int32Array.from([0, 4, 7, 11]);
    const backward = Int32Array.from([0, 2, 4, 7, 8, 11]);
    const weight = new SparseWeight({ name: 'e', rows: 4, cols: 3, theta: theta.data, forward, backward });
    weight.requestDenseGradient();
    const ids = Tensor.fromArray([3, 1, 1, 2, 0], [5]);
    const w = randomTensor([3, 5], random);

    // The reference: a dense table holding A's values (zeros elsewhere).
    const masked = Tensor.zeros([4, 3], { requiresGrad: true });
    for (const i of forward) masked.data[i] = theta.data[i];
    const dense = recordTape(() => weightedSum(embedding(masked, ids), w));
    dense.tape.backward(dense.result);
    const sparse = recordTape(() => weightedSum(sparseEmbedding(weight, ids), w));
    sparse.tape.backward(sparse.result);

    expect(sparse.result.item()).toBeCloseTo(dense.result.item(), 6);
    weight.entryIndices.forEach((flat, p) => {
      expect(weight.grads[p]).toBeCloseTo(masked.grad![flat], 6);
    });
    for (let i = 0; i < 12; i++) expect(weight.denseGradient![i]).toBeCloseTo(masked.grad![i], 6);
    dense.tape.dispose();
    sparse.tape.dispose();
  });
});
