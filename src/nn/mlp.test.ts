import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../kernels/engine.js';
import { useEngine } from '../kernels/engine.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { SGD } from '../optim/sgd.js';
import { softmaxCrossEntropy } from '../tensor/ops/softmaxCrossEntropy.js';
import { recordTape } from '../tensor/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { testBackends } from '../tensor/testing.js';
import { Random } from '../util/random.js';
import { Linear } from './linear.js';
import { mlp } from './mlp.js';
import type { Module } from './module.js';
import { Sequential } from './sequential.js';

/** Points uniform in [−1, 1]², feature-major [2, n]; class 1 inside the circle x² + y² < 0.4 (about 31%). */
function circles(engine: Engine, n: number, seed: number): { x: Tensor; labels: Int32Array } {
  const random = new Random(seed);
  const x = Tensor.zeros([2, n]);
  const labels = engine.heap.allocI32(n);
  for (let i = 0; i < n; i++) {
    const a = 2 * random.next() - 1;
    const b = 2 * random.next() - 1;
    x.data[i] = a;
    x.data[n + i] = b;
    labels[i] = a * a + b * b < 0.4 ? 1 : 0;
  }
  return { x, labels };
}

/** One training step: forward and loss on a tape, backward, update; returns the loss. */
function trainStep(model: Module, optimizer: Optimizer, x: Tensor, labels: Int32Array): number {
  optimizer.zeroGrad();
  const { tape, result: loss } = recordTape(() => softmaxCrossEntropy(model.forward(x), labels));
  tape.backward(loss);
  const value = loss.item();
  tape.dispose();
  optimizer.step();
  return value;
}

/** The fraction of columns whose largest logit is the label. */
function accuracy(model: Module, x: Tensor, labels: Int32Array): number {
  const { tape, result: logits } = recordTape(() => model.forward(x));
  const [classes, batch] = logits.shape;
  let correct = 0;
  for (let b = 0; b < batch; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++)
      if (logits.data[c * batch + b] > logits.data[best * batch + b]) best = c;
    if (best === labels[b]) correct++;
  }
  tape.dispose();
  return correct / batch;
}

describe('mlp', () => {
  it('names its layers fc1, fc2, ..., out and counts parameters', () => {
    const model = mlp({ inputs: 784, hidden: [32, 16], outputs: 10, activation: 'relu', seed: 1 });
    expect(model.trainables().map((t) => t.name)).toEqual([
      'fc1.weight',
      'fc1.bias',
      'fc2.weight',
      'fc2.bias',
      'out.weight',
      'out.bias',
    ]);
    expect(model.parameterCount()).toBe(784 * 32 + 32 + 32 * 16 + 16 + 16 * 10 + 10);
    model.dispose();
  });

  it('gives bit-identical weights for the same seed, and different ones for another', () => {
    const weights = (seed: number, activation: 'relu' | 'gelu') => {
      const model = mlp({ inputs: 20, hidden: [10], outputs: 3, activation, seed });
      const values = model.trainables().map((t) => Array.from(t.values));
      model.dispose();
      return values;
    };
    expect(weights(5, 'relu')).toEqual(weights(5, 'relu'));
    expect(weights(5, 'relu')[0]).not.toEqual(weights(6, 'relu')[0]);
    expect(weights(5, 'gelu')).toEqual(weights(5, 'gelu'));
  });

  it('initialises hidden ReLU layers Kaiming-normal and GELU and output layers Glorot-uniform', () => {
    const stats = (values: Float32Array) => {
      let sum = 0;
      let sq = 0;
      let max = 0;
      for (const v of values) {
        sum += v;
        sq += v * v;
        max = Math.max(max, Math.abs(v));
      }
      return { mean: sum / values.length, std: Math.sqrt(sq / values.length), max };
    };
    const relu = mlp({ inputs: 400, hidden: [300], outputs: 100, activation: 'relu', seed: 2 });
    const [fc1, fc1Bias, out] = relu.trainables();
    expect(Math.abs(stats(fc1.values).mean)).toBeLessThan(0.002);
    expect(stats(fc1.values).std / Math.sqrt(2 / 400)).toBeCloseTo(1, 1);
    expect(stats(fc1Bias.values).max).toBe(0);
    const outLimit = Math.sqrt(6 / (300 + 100));
    expect(stats(out.values).max).toBeLessThanOrEqual(outLimit);
    expect(stats(out.values).std / (outLimit / Math.sqrt(3))).toBeCloseTo(1, 1);
    relu.dispose();
    const gelu = mlp({ inputs: 400, hidden: [300], outputs: 100, activation: 'gelu', seed: 2 });
    const hiddenLimit = Math.sqrt(6 / (400 + 300));
    expect(stats(gelu.trainables()[0].values).max).toBeLessThanOrEqual(hiddenLimit);
    expect(stats(gelu.trainables()[0].values).std / (hiddenLimit / Math.sqrt(3))).toBeCloseTo(1, 1);
    gelu.dispose();
  });

  it('rejects an unknown activation and duplicate layer names', () => {
    expect(() => mlp({ inputs: 2, hidden: [], outputs: 2, activation: 'tanh' as 'relu', seed: 1 })).toThrow(
      /'relu' or 'gelu'/,
    );
    const random = new Random(1);
    const a = new Linear({ inputs: 2, outputs: 2, init: 'glorot', random, name: 'fc' });
    const b = new Linear({ inputs: 2, outputs: 2, init: 'glorot', random, name: 'fc' });
    expect(() => new Sequential([a, b])).toThrow(/two trainables are named fc.weight/);
  });
});

describe.each(testBackends())('training an mlp on $name', ({ engine }) => {
  beforeAll(() => useEngine(engine));

  it.each([
    { optimizer: 'SGD', make: (model: Module) => new SGD(model.trainables(), { lr: 0.1, momentum: 0.9 }) },
    { optimizer: 'AdamW', make: (model: Module) => new AdamW(model.trainables(), { lr: 0.01 }) },
  ])('learns a circle with $optimizer to ≥ 95% accuracy in 300 steps', ({ make }) => {
    const train = circles(engine, 512, 1);
    const test = circles(engine, 512, 2);
    const model = mlp({ inputs: 2, hidden: [32, 32], outputs: 2, activation: 'relu', seed: 3 });
    const optimizer = make(model);
    const first = trainStep(model, optimizer, train.x, train.labels);
    let last = first;
    for (let step = 1; step < 300; step++) last = trainStep(model, optimizer, train.x, train.labels);
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(0.15);
    expect(accuracy(model, train.x, train.labels)).toBeGreaterThanOrEqual(0.95);
    expect(accuracy(model, test.x, test.labels)).toBeGreaterThanOrEqual(0.93);
    model.dispose();
  });

  it('allocates no new heap memory after the first step', () => {
    const data = circles(engine, 64, 4);
    const model = mlp({ inputs: 2, hidden: [24, 24], outputs: 2, activation: 'gelu', seed: 5 });
    const optimizer = new AdamW(model.trainables(), { lr: 0.01 });
    trainStep(model, optimizer, data.x, data.labels);
    const reserved = engine.heap.reservedBytes;
    const allocated = engine.heap.allocatedBytes;
    for (let step = 0; step < 3; step++) trainStep(model, optimizer, data.x, data.labels);
    expect(engine.heap.reservedBytes).toBe(reserved);
    expect(engine.heap.allocatedBytes).toBe(allocated);
    model.dispose();
  });
});
