import { describe, expect, test } from 'vitest';
import { engine } from '../kernels/engine.js';
import { recordTape } from '../tensor/tape.js';
import { randomTensor, weightedSum } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { softMaskedWeight } from './softMaskedWeight.js';

describe('softMaskedWeight', () => {
  test('forward W ⊙ m ⊙ h; backward g ⊙ m to W (straight-through on h) and g ⊙ W to the masks', () => {
    const random = new Random(3);
    const w = randomTensor([3, 4], random, { requiresGrad: true });
    const g = randomTensor([3, 4], random);
    const { heap } = engine();
    const soft = heap.allocF32(12);
    const effective = heap.allocF32(12);
    const maskUpstream = heap.allocF32(12);
    for (let i = 0; i < 12; i++) {
      soft[i] = 0.05 + 0.9 * random.next();
      effective[i] = i % 3 === 0 ? 0 : soft[i];
    }
    const { tape, result } = recordTape(() => {
      const y = softMaskedWeight(w, { effective, soft, maskUpstream });
      for (let i = 0; i < 12; i++) expect(y.data[i]).toBeCloseTo(w.data[i] * effective[i], 6);
      return weightedSum(y, g);
    });
    tape.backward(result);
    for (let i = 0; i < 12; i++) {
      expect(w.grad![i]).toBeCloseTo(g.data[i] * soft[i], 6);
      expect(maskUpstream[i]).toBeCloseTo(g.data[i] * w.data[i], 6);
    }
    tape.dispose();
    for (const array of [soft, effective, maskUpstream]) heap.free(array);
    w.dispose();
    g.dispose();
  });

  test('refuses masks of another size', () => {
    const w = randomTensor([2, 2], new Random(1));
    const mask = engine().heap.allocF32(3);
    expect(() => softMaskedWeight(w, { effective: mask, soft: mask, maskUpstream: null })).toThrow(
      /masks of 3 and 3 entries for a weight of 4/,
    );
    engine().heap.free(mask);
    w.dispose();
  });
});
