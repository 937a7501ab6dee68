import { describe, expect, it } from 'vitest';
import type { Module } from '../nn/module.js';
import { Tensor } from '../tensor/tensor.js';
import { countCorrect, evaluate } from './evaluate.js';

describe('evaluate', () => {
  it('counts columns of feature-major logits whose maximum is the label, ties to the lower class', () => {
    // 3 classes × 4 examples; column b is example b.
    const logits = Float32Array.from([1, 0, 5, 2, 3, 0, 1, 2, 2, 0, 1, 0]);
    expect(countCorrect(logits, Int32Array.from([1, 2, 0, 0]), 3, 4)).toBe(3);
  });

  it('scores a whole split in batches, the last one partial, with the mean cross-entropy', () => {
    // A model that puts logit 0 on class (first pixel > 0.5) and ln 3 on the other of two classes.
    const model: Module = {
      forward(x) {
        const batch = x.shape[1]!;
        const out = Tensor.zeros([2, batch]);
        for (let b = 0; b < batch; b++) out.data[(x.data[b]! > 0.5 ? 1 : 0) * batch + b] = Math.log(3);
        return out;
      },
      trainables: () => [],
      parameterCount: () => 0,
    };
    // 5 one-pixel images: bright ones are class 1; the last label is wrong on purpose.
    const split = {
      images: Uint8Array.from([0, 255, 0, 255, 255]),
      labels: Uint8Array.from([0, 1, 0, 1, 0]),
    };
    const { accuracy, loss } = evaluate(model, split, { inputSize: 1, batchSize: 2 });
    expect(accuracy).toBeCloseTo(4 / 5, 10);
    // p(right) = 3/4 and p(wrong) = 1/4: loss = (4·ln(4/3) + ln 4) / 5.
    expect(loss).toBeCloseTo((4 * Math.log(4 / 3) + Math.log(4)) / 5, 5);
  });
});
