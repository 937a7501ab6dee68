import { describe, expect, it } from 'vitest';
import { sum } from '../tensor/ops/sum.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { Flatten, Unflatten } from './flatten.js';
import { AvgPool2d, MaxPool2d } from './pooling.js';

describe('Flatten, Unflatten and the pooling modules', () => {
  it('switch between [C·H·W, B] and [C, H, W, B] and pass gradients through', () => {
    const x = Tensor.fromArray(
      Array.from({ length: 32 }, (_, i) => i),
      [16, 2],
      { requiresGrad: true },
    );
    const { tape, result } = recordTape(() => {
      const image = new Unflatten([1, 4, 4]).forward(x);
      const averaged = new AvgPool2d([2, 1], [2, 1]).forward(image);
      expect(image.shape).toEqual([1, 4, 4, 2]);
      expect(averaged.shape).toEqual([1, 2, 4, 2]);
      const flat = new Flatten().forward(new MaxPool2d(2).forward(image));
      return { flat, loss: sum(flat) };
    });
    expect(result.flat.shape).toEqual([4, 2]);
    expect(Array.from(result.flat.data)).toEqual([10, 11, 14, 15, 26, 27, 30, 31]);
    tape.backward(result.loss);
    const maxima = [5, 7, 13, 15]; // pixel index of each 2×2 window's maximum
    expect(Array.from(x.grad!)).toEqual(
      Array.from({ length: 32 }, (_, i) => (maxima.includes(i >> 1) ? 1 : 0)),
    );
    tape.dispose();
  });

  it('name the expected layout', () => {
    expect(() => new Unflatten([1, 28, 28]).forward(Tensor.zeros([3136, 2]))).toThrow(
      /expects images as \[784, batch\] \(1·28·28 features, feature-major\), got \[3136, 2\]/,
    );
    expect(() => new Flatten().forward(Tensor.zeros([5]))).toThrow(/at least 2 dims/);
  });
});
