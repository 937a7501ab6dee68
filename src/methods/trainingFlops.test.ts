import { describe, expect, it } from 'vitest';
import { setKernelChoice } from '../kernels/engine.js';
import { cnn } from '../nn/cnn.js';
import { transformer } from '../nn/transformer.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { createMethod } from './registry.js';
import { sparsify } from './sparsify.js';
import { stepFlops } from './trainingFlops.js';

const topkast = () => createMethod('topkast', { sparsity: 0.9, backwardSparsity: 0.8 });

describe('training FLOPs per use', () => {
  it('weights a convolution by its output positions (28×28 then 14×14 for cnn())', () => {
    const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1 });
    const controller = sparsify(model, { method: topkast(), totalSteps: 10, seed: 0 });
    const [conv2, fc1] = controller.weights;
    const sparse = (w: SparseWeight, uses: number) => 2 * uses * (2 * w.forwardCount + w.backwardCount);
    const dense = 6 * (288 * 784 + 18432 * 196 + 3136 * 128 + 128 * 10);
    const expected = (6 * 288 * 784 + sparse(conv2, 196) + sparse(fc1, 1) + 6 * 1280) / dense;
    const flops = stepFlops(model);
    expect(flops.dense).toBe(dense);
    expect(flops.theoretical / flops.dense).toBeCloseTo(expected, 12);
    // About 0.18: conv1 (dense) weighs 784 uses per weight, where a count by parameters gave 0.137.
    expect(flops.theoretical / flops.dense).toBeCloseTo(0.1799, 3);
    expect(flops.executed).toBe(flops.theoretical);
    model.dispose();
  });

  it('counts products that run the dense kernels as dense in the executed figure only', () => {
    const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1 });
    const previous = setKernelChoice({ forwardDenseAbove: 0.05, backwardDenseAbove: 0.5 });
    const controller = sparsify(model, { method: topkast(), totalSteps: 10, seed: 0 });
    const [conv2, fc1] = controller.weights;
    const flops = stepFlops(model);
    // A at density 0.1 > 0.05 runs densely (forward and input gradient); B at 0.2 stays sparse.
    const executed = (w: SparseWeight, uses: number) => uses * (4 * w.size + 2 * w.backwardCount);
    expect(flops.executed).toBe(6 * 288 * 784 + executed(conv2, 196) + executed(fc1, 1) + 6 * 1280);
    expect(flops.theoretical).toBeLessThan(flops.executed);
    expect(controller.report().executedTrainingFlops).toBeCloseTo(flops.executed / flops.dense, 12);
    setKernelChoice(previous);
    model.dispose();
  });

  it('counts embeddings as gathers, the tied output product and the attention products', () => {
    const [vocab, d, T] = [11, 8, 6];
    const options = { vocab, layers: 1, dModel: d, heads: 2, context: T, seed: 1 };
    const dense = transformer({ ...options, tiedEmbeddings: true, sparseEmbedding: true });
    const block = 4 * 6 * d * d + 2 * 6 * d * 4 * d + 12 * T * d; // projections, feed-forward, attention
    const gathers = 2 * d; // one row added into each of the token and position tables per token
    const tiedOutput = 6 * vocab * d;
    expect(stepFlops(dense)).toEqual({
      theoretical: block + gathers + tiedOutput,
      executed: block + gathers + tiedOutput,
      dense: block + gathers + tiedOutput,
    });
    const sparse = transformer({ ...options, tiedEmbeddings: true, sparseEmbedding: true });
    const controller = sparsify(sparse, {
      method: topkast(),
      totalSteps: 10,
      seed: 0,
      denseLayers: ['none'],
    });
    const table = sparse.tokens.weight as SparseWeight;
    const flops = stepFlops(sparse);
    expect(flops.dense).toBe(block + gathers + tiedOutput);
    const product = (w: SparseWeight) => 2 * (2 * w.forwardCount + w.backwardCount);
    const products = controller.weights.filter((w) => w !== table).map(product);
    expect(products).toHaveLength(6); // four projections and two feed-forward weights
    const gather = table.backwardCount / vocab + d; // the sparse table adds B's entries of the row
    expect(flops.theoretical).toBeCloseTo(
      products.reduce((a, b) => a + b, 0) + 12 * T * d + gather + product(table),
      9,
    );
    dense.dispose();
    sparse.dispose();
  });
});
