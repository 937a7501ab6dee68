import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../kernels/engine.js';
import { createMethod } from '../methods/registry.js';
import { sparsify } from '../methods/sparsify.js';
import { AdamW } from '../optim/adamw.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { gradientCheck } from '../tensor/gradientCheck.js';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxCrossEntropy.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { testBackends } from '../tensor/testing.js';
import { trainStep } from '../train/trainStep.js';
import { Random } from '../util/random.js';
import { Dropout, setTraining } from './dropout.js';
import type { Parameter } from './parameter.js';
import { transformer } from './transformer.js';

/** Token ids [T, B] and next-token targets (column t·B + b) cut from a repeating string. */
function windows(text: string, T: number, B: number, stride: number) {
  const alphabet = [...new Set(text)].sort();
  const ids = Tensor.zeros([T, B]);
  const targets = new Int32Array(T * B);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const at = (b * stride + t) % text.length;
      ids.data[t * B + b] = alphabet.indexOf(text[at]);
      targets[t * B + b] = alphabet.indexOf(text[(at + 1) % text.length]);
    }
  }
  return { ids, targets, vocab: alphabet.length };
}

describe.each(testBackends())('transformer on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each([false, true])('has gradients that match finite differences (tied embeddings: %s)', (tied) => {
    const { ids, targets, vocab } = windows('abcab', 3, 2, 2);
    const labels = engine.heap.allocI32(targets.length);
    labels.set(targets);
    const model = transformer({
      vocab,
      layers: 1,
      dModel: 4,
      heads: 2,
      context: 3,
      tiedEmbeddings: tied,
      seed: 3,
    });
    // Embeddings at unit scale (h = 0.01 is not small next to their initial 0.02), and gains and biases
    // away from 1 and 0, so no gradient is checked at a symmetric point.
    const random = new Random(5);
    for (const t of model.trainables()) {
      if (
        t.name.endsWith('.gain') ||
        t.name.endsWith('.bias') ||
        t.name.startsWith('embedding.') ||
        t.name.startsWith('positions.')
      ) {
        for (let i = 0; i < t.values.length; i++) t.values[i] += 2 * random.next() - 1;
      }
    }
    const params = model.trainables().map((t) => (t as Parameter).tensor);
    const { maxError, worst } = gradientCheck(
      () => softmaxCrossEntropy(model.forward(ids), labels),
      params,
      3e-3,
    );
    expect(maxError, JSON.stringify(worst)).toBeLessThan(3e-2);
    model.dispose();
  });

  it('names its parts, and counts each tied weight once', () => {
    const model = transformer({
      vocab: 10,
      layers: 2,
      dModel: 8,
      heads: 2,
      context: 4,
      tiedEmbeddings: true,
      seed: 1,
    });
    const names = model.trainables().map((t) => t.name);
    expect(names.slice(0, 6)).toEqual([
      'embedding.weight',
      'positions.weight',
      'block1.ln1.gain',
      'block1.ln1.bias',
      'block1.attention.query.weight',
      'block1.attention.query.bias',
    ]);
    expect(names.slice(-3)).toEqual(['final.gain', 'final.bias', 'head.bias']);
    expect(new Set(names).size).toBe(names.length);
    // Per block: 2 LNs (32), 4 projections (4·72), fc1 (8·32 + 32), fc2 (32·8 + 8).
    expect(model.parameterCount()).toBe(80 + 32 + 2 * (32 + 288 + 288 + 264) + 16 + 10);
    model.dispose();
  });

  it('overfits a short repeated string; Top-KAST sparsifies every projection in the blocks', () => {
    const { ids, targets, vocab } = windows('the cat sat on the mat. ', 16, 8, 3);
    const labels = engine.heap.allocI32(targets.length);
    labels.set(targets);
    const model = transformer({ vocab, layers: 2, dModel: 32, heads: 4, context: 16, dropout: 0.1, seed: 2 });
    const controller = sparsify(model, {
      method: createMethod('topkast', { sparsity: 0.5, backwardSparsity: 0.25 }),
      denseLayers: ['head'],
      totalSteps: 150,
      seed: 1,
    });
    expect(controller.weights.map((w) => w.name)).toHaveLength(12);
    expect(controller.weights[0].name).toBe('block1.attention.query.weight');
    const optimizer = new AdamW(model.trainables(), { lr: 3e-3 });
    let loss = Number.POSITIVE_INFINITY;
    for (let step = 0; step < 150; step++) {
      loss = trainStep({ model, optimizer, x: ids, labels, step, lr: 3e-3, hooks: controller });
    }
    expect(loss).toBeLessThan(0.15);
    setTraining(model, false);
    const { tape, result } = recordTape(() => softmaxCrossEntropy(model.forward(ids), labels));
    expect(result.item()).toBeLessThan(0.1);
    tape.dispose();
    expect(model.children().some((m) => m instanceof Dropout && !m.training)).toBe(true);
    model.dispose();
  });

  it('trains a sparse tied embedding through both of its uses', () => {
    const model = transformer({
      vocab: 6,
      layers: 1,
      dModel: 8,
      heads: 2,
      context: 4,
      tiedEmbeddings: true,
      sparseEmbedding: true,
      seed: 4,
    });
    sparsify(model, {
      method: createMethod('topkast', { sparsity: 0.5, backwardSparsity: 0.25 }),
      denseLayers: ['none'],
      totalSteps: 10,
      seed: 1,
    });
    expect(model.tokens.weight).toBeInstanceOf(SparseWeight);
    const { ids, targets } = windows('abcdef', 4, 3, 1);
    const labels = engine.heap.allocI32(targets.length);
    labels.set(targets);
    const { tape, result } = recordTape(() => softmaxCrossEntropy(model.forward(ids), labels));
    tape.backward(result);
    tape.dispose();
    const grads = model.tokens.weight.grads;
    expect(grads.some((g) => g !== 0)).toBe(true);
    model.dispose();
  });

  it('explains a wrong input shape', () => {
    const model = transformer({ vocab: 4, layers: 1, dModel: 4, heads: 2, context: 3, seed: 1 });
    expect(() => model.forward(Tensor.zeros([4, 2]))).toThrow(
      /token ids \[context, batch\] = \[3, B\], got \[4, 2\]/,
    );
    expect(() => transformer({ vocab: 4, layers: 1, dModel: 6, heads: 4, context: 3, seed: 1 })).toThrow(
      /4 heads do not divide d_model 6/,
    );
    model.dispose();
  });
});
