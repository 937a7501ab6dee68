import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { recordTape } from '../tape.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends } from '../testing.js';
import { softmaxCrossEntropy } from './softmaxCrossEntropy.js';

describe.each(testBackends())('softmaxCrossEntropy on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  const labelsOf = (values: number[]): Int32Array => {
    const labels = engine.heap.allocI32(values.length);
    labels.set(values);
    return labels;
  };

  it('computes the mean loss over feature-major columns', () => {
    // Two examples (columns), three classes: logits column 0 = [0, 0, 0], column 1 = [1, 2, 3].
    const logits = Tensor.fromArray([0, 1, 0, 2, 0, 3], [3, 2]);
    const loss = softmaxCrossEntropy(logits, labelsOf([1, 2]));
    const expected = (Math.log(3) + (Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3)) / 2;
    expect(loss.shape).toEqual([]);
    expect(loss.item()).toBeCloseTo(expected, 5);
  });

  it('has a gradient (p − onehot)/B', () => {
    const logits = Tensor.fromArray([0, 1, 0, 2, 0, 3], [3, 2], { requiresGrad: true });
    const { tape, result } = recordTape(() => softmaxCrossEntropy(logits, labelsOf([1, 2])));
    tape.backward(result);
    tape.dispose();
    const z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    const expected = [1 / 3, Math.exp(1) / z, 1 / 3 - 1, Math.exp(2) / z, 1 / 3, Math.exp(3) / z - 1].map(
      (g) => g / 2,
    );
    for (const [i, e] of expected.entries()) expect(logits.grad![i]).toBeCloseTo(e, 6);
  });

  it('has a gradient that matches finite differences', () => {
    const random = new Random(10);
    const logits = randomTensor([5, 7], random, { requiresGrad: true });
    const labels = labelsOf([0, 4, 2, 2, 1, 3, 0]);
    expect(gradientCheck(([p]) => softmaxCrossEntropy(p, labels), [logits]).maxError).toBeLessThan(1e-2);
  });

  it('rejects labels that do not fit the logits', () => {
    const logits = Tensor.zeros([3, 2]);
    expect(() => softmaxCrossEntropy(logits, labelsOf([0]))).toThrow(/1 labels for logits \[3, 2\]/);
    expect(() => softmaxCrossEntropy(logits, labelsOf([0, 3]))).toThrow(/label 3 of example 1/);
  });
});
