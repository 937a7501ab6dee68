import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { embedding } from './embedding.js';

describe.each(testBackends())('embedding on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('puts row ids[c] of the table in column c', () => {
    const table = Tensor.fromArray([1, 2, 3, 4, 5, 6], [3, 2]);
    const y = embedding(table, Tensor.fromArray([2, 0, 2, 1], [2, 2]));
    expect(y.shape).toEqual([2, 4]);
    expect(Array.from(y.data)).toEqual([5, 1, 5, 3, 6, 2, 6, 4]);
  });

  it('has a table gradient that matches finite differences (repeated ids add up)', () => {
    const random = new Random(5);
    const table = randomTensor([5, 3], random, { requiresGrad: true });
    const ids = Tensor.fromArray([4, 0, 4, 2, 4, 1], [3, 2]);
    const w = randomTensor([3, 6], random);
    const { maxError } = gradientCheck(([t]) => weightedSum(embedding(t, ids), w), [table]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it('names a bad token id', () => {
    const table = Tensor.zeros([3, 2]);
    expect(() => embedding(table, Tensor.fromArray([0, 3], [2]))).toThrow(
      /token id 3 at position 1 is not an integer in 0..2/,
    );
    expect(() => embedding(table, Tensor.fromArray([0.5], [1]))).toThrow(/token id 0.5/);
  });
});
