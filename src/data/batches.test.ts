import { describe, expect, it } from 'vitest';
import { engine } from '../kernels/engine.js';
import { Random } from '../util/random.js';
import { BatchIterator } from './batches.js';
import type { Split } from './dataset.js';

/** 10 examples of 3 features: example i has pixels [i, 100 + i, 200 + i] and label i % 4. */
const split: Split = {
  images: Uint8Array.from({ length: 30 }, (_, k) => Math.floor(k % 3) * 100 + Math.floor(k / 3)),
  labels: Uint8Array.from({ length: 10 }, (_, i) => i % 4),
};

/** The example indices of a batch, read back from its first feature (pixel i scaled by 1/255). */
function examples(x: Float32Array): number[] {
  return Array.from(x, (v) => Math.round(v * 255));
}

function epochOrder(iterator: BatchIterator): number[] {
  const seen: number[] = [];
  while (iterator.hasNext()) {
    const batch = iterator.next();
    seen.push(...examples(batch.x.data.subarray(0, batch.size)));
  }
  return seen;
}

describe('BatchIterator', () => {
  it('writes feature-major batches [features, batch] scaled to [0, 1], labels as int32 heap views', () => {
    const iterator = new BatchIterator(split, { batchSize: 4, inputSize: 3, dropLast: false });
    const batch = iterator.next();
    expect(batch.x.shape).toEqual([3, 4]);
    expect(Array.from(batch.x.data, (v) => Math.round(v * 255))).toEqual([
      0, 1, 2, 3, 100, 101, 102, 103, 200, 201, 202, 203,
    ]);
    expect(Array.from(batch.labels)).toEqual([0, 1, 2, 3]);
    expect(engine().heap.owns(batch.x.data)).toBe(true);
    expect(engine().heap.owns(batch.labels)).toBe(true);
    iterator.dispose();
  });

  it('keeps the last partial batch for evaluation and drops it for training', () => {
    const evaluation = new BatchIterator(split, { batchSize: 4, inputSize: 3, dropLast: false });
    expect(evaluation.batchesPerEpoch).toBe(3);
    evaluation.next();
    const second = evaluation.next();
    const last = evaluation.next();
    expect(last.size).toBe(2);
    expect(last.x.shape).toEqual([3, 2]);
    expect(examples(last.x.data)).toEqual([8, 9, 108, 109, 208, 209]);
    expect(Array.from(last.labels)).toEqual([0, 1]);
    expect(last.x.data.byteOffset).toBe(second.x.data.byteOffset);
    expect(evaluation.hasNext()).toBe(false);
    expect(() => evaluation.next()).toThrow('epoch 0 has no batches left: call nextEpoch() first');
    evaluation.dispose();

    const training = new BatchIterator(split, { batchSize: 4, inputSize: 3, dropLast: true });
    expect(training.batchesPerEpoch).toBe(2);
    expect(epochOrder(training)).toHaveLength(8);
    training.dispose();
  });

  it('shuffles each epoch from the seed: same seed same order, every example once, epochs differ', () => {
    const make = () =>
      new BatchIterator(split, { batchSize: 5, inputSize: 3, dropLast: true, random: new Random(7) });
    const a = make();
    const b = make();
    const a0 = epochOrder(a);
    expect(epochOrder(b)).toEqual(a0);
    expect([...a0].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    a.nextEpoch();
    const a1 = epochOrder(a);
    expect(a1).not.toEqual(a0);
    expect([...a1].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const c = new BatchIterator(split, { batchSize: 5, inputSize: 3, dropLast: true, random: new Random(8) });
    expect(epochOrder(c)).not.toEqual(a0);
    for (const iterator of [a, b, c]) iterator.dispose();
  });

  it('resumes from a saved position with the same batches', () => {
    const options = { batchSize: 3, inputSize: 3, dropLast: true, random: new Random(1) };
    const original = new BatchIterator(split, options);
    original.nextEpoch();
    original.next();
    const saved = JSON.parse(JSON.stringify(original.position));
    expect(saved).toEqual({ epoch: 1, index: 1 });
    const rest = epochOrder(original);

    const resumed = new BatchIterator(split, { ...options, random: new Random(1) });
    resumed.setPosition(saved);
    expect(epochOrder(resumed)).toEqual(rest);
    expect(() => resumed.setPosition({ epoch: 0, index: 4 })).toThrow('index 4 is past the 3 batches');
    original.dispose();
    resumed.dispose();
  });

  it('normalises with a mean and std, and rejects batch sizes that make no batch', () => {
    const iterator = new BatchIterator(split, {
      batchSize: 1,
      inputSize: 3,
      dropLast: true,
      normalization: { mean: 0.5, std: 0.25 },
    });
    iterator.setPosition({ epoch: 0, index: 9 });
    const x = iterator.next().x.data;
    expect(x[0]).toBeCloseTo((9 / 255 - 0.5) / 0.25, 6);
    expect(x[2]).toBeCloseTo((209 / 255 - 0.5) / 0.25, 6);
    iterator.dispose();
    expect(() => new BatchIterator(split, { batchSize: 0, inputSize: 3, dropLast: true })).toThrow(
      'batch size must be a positive integer, got 0',
    );
    expect(() => new BatchIterator(split, { batchSize: 11, inputSize: 3, dropLast: true })).toThrow(
      '10 examples make no full batch of 11: use a batch size ≤ 10',
    );
  });
});
