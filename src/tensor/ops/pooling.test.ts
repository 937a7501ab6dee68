import { beforeAll, describe, expect, it } from 'vitest';
import { useEngine } from '../../kernels/engine.js';
import { Random } from '../../util/random.js';
import { gradientCheck } from '../gradientCheck.js';
import { recordTape } from '../tape.js';
import { Tensor } from '../tensor.js';
import { randomTensor, testBackends, weightedSum } from '../testing.js';
import { avgPool2d } from './avgPool2d.js';
import { maxPool2d } from './maxPool2d.js';
import { sum } from './sum.js';

/** Distinct values spaced 0.05 apart in random order: no two within a finite-difference step of each other. */
function spacedTensor(shape: number[], random: Random): Tensor {
  const x = Tensor.zeros(shape, { requiresGrad: true });
  const order = random.shuffle(Array.from({ length: x.size }, (_, i) => i));
  order.forEach((rank, i) => {
    x.data[i] = (rank - x.size / 2) * 0.05;
  });
  return x;
}

// One channel, 3×3 image, batch 2: entry (y, x, b) = 10·(3y + x) + b.
const image = Array.from({ length: 18 }, (_, i) => 10 * Math.floor(i / 2) + (i % 2));

const shapes = [
  { label: '2×2 stride 2, odd size (edge dropped)', shape: [2, 5, 5, 3], kernel: 2, stride: 2 },
  { label: '3×3 stride 2, overlapping', shape: [1, 7, 6, 2], kernel: 3, stride: 2 },
  {
    label: '[2, 3] stride [1, 2], batch 1',
    shape: [3, 4, 7, 1],
    kernel: [2, 3] as const,
    stride: [1, 2] as const,
  },
];

describe.each(testBackends())('pooling on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it('takes window maxima and means', () => {
    const x = Tensor.fromArray(image, [1, 3, 3, 2]);
    const max = maxPool2d(x, 2, 1);
    expect(max.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(max.data)).toEqual([40, 41, 50, 51, 70, 71, 80, 81]);
    const avg = avgPool2d(x, 2, 1);
    expect(Array.from(avg.data)).toEqual([20, 21, 30, 31, 50, 51, 60, 61]);
    expect(maxPool2d(x, 2).shape).toEqual([1, 1, 1, 2]);
  });

  it('sends the max gradient to the first maximum on ties', () => {
    const x = Tensor.fromArray([1, 1, 1, 1], [1, 2, 2, 1], { requiresGrad: true });
    const { tape, result } = recordTape(() => sum(maxPool2d(x, 2)));
    tape.backward(result);
    tape.dispose();
    expect(Array.from(x.grad ?? [])).toEqual([1, 0, 0, 0]);
  });

  it.each(shapes)('max pooling gradient matches finite differences ($label)', ({ shape, kernel, stride }) => {
    const random = new Random(9);
    const x = spacedTensor(shape, random);
    const w = randomTensor(maxPool2d(x, kernel, stride).shape, random);
    const { maxError } = gradientCheck(([input]) => weightedSum(maxPool2d(input, kernel, stride), w), [x]);
    expect(maxError).toBeLessThan(1e-2);
  });

  it.each(shapes)(
    'average pooling gradient matches finite differences ($label)',
    ({ shape, kernel, stride }) => {
      const random = new Random(4);
      const x = randomTensor(shape, random, { requiresGrad: true });
      const w = randomTensor(avgPool2d(x, kernel, stride).shape, random);
      const { maxError } = gradientCheck(([input]) => weightedSum(avgPool2d(input, kernel, stride), w), [x]);
      expect(maxError).toBeLessThan(1e-2);
    },
  );

  it('names the layout and the window in errors', () => {
    expect(() => maxPool2d(Tensor.zeros([16, 4]), 2)).toThrow(/maxPool2d: expects an image batch/);
    expect(() => avgPool2d(Tensor.zeros([1, 1, 1, 4]), 2)).toThrow(/avgPool2d: kernel \[2, 2\] is larger/);
  });
});
