// `fit` is imported as fitModel: the linter reads a bare fit() in a test file as a focused test.
import { describe, expect, it } from 'vitest';
import { type Dataset, sampleSplit } from '../data/dataset.js';
import { loadMnist } from '../data/mnist.js';
import { mlp } from '../nn/mlp.js';
import { constantLr } from '../optim/schedules.js';
import { SGD } from '../optim/sgd.js';
import { Random } from '../util/random.js';
import type { EpochMetrics, StepMetrics } from './callbacks.js';
import { fit as fitModel, planTraining } from './fit.js';

/** 3,000 training and 500 test digits of the `mnist` package: big enough to learn, small enough to be quick. */
function smallMnist(): Dataset {
  const mnist = loadMnist();
  return {
    ...mnist,
    train: sampleSplit(mnist.train, 3000, 784, new Random(1)),
    test: sampleSplit(mnist.test, 500, 784, new Random(2)),
  };
}

function train(dataset: Dataset, options: { lr?: number; maxSteps?: number; seed?: number } = {}) {
  const model = mlp({ inputs: 784, hidden: [64], outputs: 10, activation: 'relu', seed: options.seed ?? 3 });
  const optimizer = new SGD(model.trainables(), { lr: 0.05, momentum: 0.9 });
  const steps: StepMetrics[] = [];
  const epochs: EpochMetrics[] = [];
  const result = fitModel({
    model,
    optimizer,
    schedule: constantLr(options.lr ?? 0.05),
    dataset,
    epochs: 3,
    maxSteps: options.maxSteps,
    batchSize: 32,
    seed: options.seed ?? 3,
    callbacks: [{ onBatchEnd: (m) => steps.push(m), onEpochEnd: (m) => epochs.push(m) }],
  });
  model.dispose();
  return { result, steps, epochs };
}

describe('fit', () => {
  const dataset = smallMnist();

  it('learns MNIST digits: test accuracy above 0.85 after 3 short epochs', () => {
    const { result, steps, epochs } = train(dataset);
    expect(result.steps).toBe(3 * 93);
    expect(steps.map((s) => s.step)).toEqual(Array.from({ length: 279 }, (_, i) => i + 1));
    expect(epochs.map((e) => [e.epoch, e.step])).toEqual([
      [1, 93],
      [2, 186],
      [3, 279],
    ]);
    expect(result.testAccuracy).toBeGreaterThan(0.85);
    expect(epochs[2]!.trainLoss).toBeLessThan(epochs[0]!.trainLoss);
    expect(result.testLoss).toBeLessThan(0.6);
    expect(result.stepMsMedian).toBeGreaterThan(0);
    expect(result.trainSeconds).toBeGreaterThan(0);
  });

  it('gives identical losses and accuracy for the same seed, and stops after maxSteps in a partial epoch', () => {
    const a = train(dataset, { maxSteps: 100 });
    const b = train(dataset, { maxSteps: 100 });
    expect(a.result.steps).toBe(100);
    expect(a.result.epochs).toBe(2);
    expect(b.steps.map((s) => s.loss)).toEqual(a.steps.map((s) => s.loss));
    expect(b.result.history).toEqual(a.result.history);
    const other = train(dataset, { maxSteps: 100, seed: 4 });
    expect(other.steps.map((s) => s.loss)).not.toEqual(a.steps.map((s) => s.loss));
  });

  it('stops with an error naming the step when the loss diverges', () => {
    expect(() => train(dataset, { lr: 1e6 })).toThrow(
      /^training diverged at step \d+: the loss is (NaN|Infinity); lower the learning rate$/,
    );
  });

  it('plans full batches only and validates its numbers', () => {
    expect(planTraining({ trainSize: 1000, batchSize: 128, epochs: 5 })).toEqual({
      epochs: 5,
      stepsPerEpoch: 7,
      totalSteps: 35,
    });
    expect(planTraining({ trainSize: 1000, batchSize: 128, epochs: 5, maxSteps: 10 })).toEqual({
      epochs: 2,
      stepsPerEpoch: 7,
      totalSteps: 10,
    });
    expect(() => planTraining({ trainSize: 10, batchSize: 0, epochs: 1 })).toThrow(
      'batch size must be an integer in 1..10',
    );
    expect(() => planTraining({ trainSize: 10, batchSize: 2, epochs: 0 })).toThrow(
      'epochs must be a positive integer, got 0',
    );
  });
});
