import { describe, expect, it } from 'vitest';
import { engine } from '../kernels/engine.js';
import { createMethod } from '../methods/registry.js';
import { sparsify } from '../methods/sparsify.js';
import { SGD } from '../optim/sgd.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { trainStep } from '../train/trainStep.js';
import { Random } from '../util/random.js';
import { cnn } from './cnn.js';
import { Conv2d } from './conv2d.js';

/**
 * 8×8 images, feature-major [64, n]: a 3-pixel bar at a random place, horizontal (class 0) or vertical
 * (class 1), on faint noise. No single pixel tells the classes apart; a 3×3 filter does.
 */
function bars(n: number, seed: number): { x: Tensor; labels: Int32Array } {
  const random = new Random(seed);
  const x = Tensor.zeros([64, n]);
  const labels = engine().heap.allocI32(n);
  for (let b = 0; b < n; b++) {
    const vertical = random.nextInt(2);
    labels[b] = vertical;
    for (let p = 0; p < 64; p++) x.data[p * n + b] = 0.1 * random.next();
    const y0 = random.nextInt(vertical ? 6 : 8);
    const x0 = random.nextInt(vertical ? 8 : 6);
    for (let k = 0; k < 3; k++) {
      const [y, xx] = vertical ? [y0 + k, x0] : [y0, x0 + k];
      x.data[(y * 8 + xx) * n + b] = 1;
    }
  }
  return { x, labels };
}

describe('cnn', () => {
  it('builds conv blocks, fc1 and out, with 28×28 defaults that total 421,642 parameters', () => {
    const model = cnn({ inputShape: [1, 28, 28], classes: 10, seed: 1 });
    expect(model.parameterCount()).toBe(421_642);
    expect(model.trainables().map((t) => t.name)).toEqual([
      'conv1.weight',
      'conv1.bias',
      'conv2.weight',
      'conv2.bias',
      'fc1.weight',
      'fc1.bias',
      'out.weight',
      'out.bias',
    ]);
    const { tape, result } = recordTape(() => model.forward(Tensor.zeros([784, 3])));
    expect(result.shape).toEqual([10, 3]);
    tape.dispose();
    model.dispose();
  });

  it('is deterministic in its seed', () => {
    const a = cnn({ inputShape: [1, 8, 8], classes: 2, seed: 4, channels: [4], hidden: 8 });
    const b = cnn({ inputShape: [1, 8, 8], classes: 2, seed: 4, channels: [4], hidden: 8 });
    expect(Array.from(a.trainables()[0].values)).toEqual(Array.from(b.trainables()[0].values));
  });

  it('refuses more pooling blocks than the image allows', () => {
    expect(() => cnn({ inputShape: [1, 4, 4], classes: 2, seed: 1, channels: [2, 2, 2] })).toThrow(
      /below 1×1 at block 3; use fewer channels entries/,
    );
  });

  it('learns bar orientation with Top-KAST making conv2 and fc1 sparse', () => {
    const model = cnn({ inputShape: [1, 8, 8], classes: 2, seed: 2, channels: [8, 16], hidden: 32 });
    const method = createMethod('topkast', { sparsity: 0.5, backwardSparsity: 0.25 });
    const controller = sparsify(model, { method, denseLayers: ['first', 'last'], totalSteps: 150, seed: 1 });
    const conv2 = model.modules.find((m) => m instanceof Conv2d && m.name === 'conv2') as Conv2d;
    expect(conv2.weight).toBeInstanceOf(SparseWeight);
    expect(conv2.weight.values.length).toBe(Math.round(0.75 * 16 * 8 * 9));
    const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
    const train = bars(256, 1);
    for (let step = 0; step < 150; step++) {
      trainStep({ model, optimizer, x: train.x, labels: train.labels, step, lr: 0.05, hooks: controller });
    }
    const test = bars(256, 2);
    const { tape, result: logits } = recordTape(() => model.forward(test.x));
    let correct = 0;
    for (let b = 0; b < 256; b++) {
      const predicted = logits.data[256 + b] > logits.data[b] ? 1 : 0;
      if (predicted === test.labels[b]) correct++;
    }
    tape.dispose();
    expect(correct / 256).toBeGreaterThan(0.9);
    model.dispose();
  });
});
