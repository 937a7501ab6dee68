import { describe, expect, it } from 'vitest';
import { Random } from '../util/random.js';
import { inputSize, sampleSplit, splitByClass } from './dataset.js';

describe('dataset helpers', () => {
  it('splits per-class blocks, the last images of each class going to test', () => {
    // Two pixels per image; class 0 has images 1, 2, 3; class 1 has images 4, 5.
    const classes = [Uint8Array.from([1, 1, 2, 2, 3, 3]), Uint8Array.from([4, 4, 5, 5])];
    const { train, test } = splitByClass(classes, 2, () => 1);
    expect(Array.from(train.images)).toEqual([1, 1, 2, 2, 4, 4]);
    expect(Array.from(train.labels)).toEqual([0, 0, 1]);
    expect(Array.from(test.images)).toEqual([3, 3, 5, 5]);
    expect(Array.from(test.labels)).toEqual([0, 1]);
  });

  it('samples a seeded subset without replacement, keeping images and labels together', () => {
    const split = {
      images: Uint8Array.from({ length: 20 }, (_, k) => k >> 1),
      labels: Uint8Array.from({ length: 10 }, (_, i) => i),
    };
    const a = sampleSplit(split, 4, 2, new Random(3));
    expect(a).toEqual(sampleSplit(split, 4, 2, new Random(3)));
    expect(new Set(a.labels).size).toBe(4);
    a.labels.forEach((label, i) => {
      expect([a.images[2 * i], a.images[2 * i + 1]]).toEqual([label, label]);
    });
    expect(() => sampleSplit(split, 11, 2, new Random(3))).toThrow(
      'count must be an integer in 1..10, got 11',
    );
  });

  it('counts input features as the product of the input shape', () => {
    expect(inputSize({ inputShape: [1, 28, 28] })).toBe(784);
  });
});
