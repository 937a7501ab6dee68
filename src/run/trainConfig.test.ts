import { describe, expect, it } from 'vitest';
import { resolveTrainConfig, type TrainFlags } from './trainConfig.js';

const flags: TrainFlags = {
  dataset: 'fashion-mnist',
  model: 'mlp',
  hidden: [1024, 1024],
  activation: 'relu',
  batchSize: 128,
  optimizer: 'sgd',
  schedule: 'cosine',
  seed: 0,
  method: 'dense',
  distribution: 'uniform',
  denseLayers: ['first', 'last'],
};

describe('resolveTrainConfig', () => {
  it('fills the defaults of each optimizer', () => {
    expect(resolveTrainConfig(flags)).toMatchObject({
      epochs: 5,
      lr: 0.05,
      momentum: 0.9,
      weightDecay: 5e-4,
    });
    expect(resolveTrainConfig({ ...flags, optimizer: 'adamw' })).toMatchObject({
      lr: 0.001,
      momentum: 0,
      nesterov: false,
      weightDecay: 0.01,
    });
  });

  it('leaves epochs to the step limit when only --steps is given', () => {
    expect(resolveTrainConfig({ ...flags, steps: 100 })).toMatchObject({ epochs: undefined, steps: 100 });
    expect(resolveTrainConfig({ ...flags, steps: 100, epochs: 2 })).toMatchObject({ epochs: 2, steps: 100 });
  });

  it('rejects SGD-only flags with AdamW, and Nesterov without momentum', () => {
    expect(() => resolveTrainConfig({ ...flags, optimizer: 'adamw', momentum: 0.9 })).toThrow(
      '--momentum and --nesterov apply to SGD only: drop them, or use --optimizer sgd',
    );
    expect(() => resolveTrainConfig({ ...flags, nesterov: true, momentum: 0 })).toThrow(
      '--nesterov needs momentum: drop --nesterov or set --momentum above 0',
    );
  });

  it('fills the sparsity of a sparse method and refuses flags that belong to another method', () => {
    expect(resolveTrainConfig(flags)).toMatchObject({ method: 'dense', sparsity: 0 });
    expect(resolveTrainConfig({ ...flags, method: 'topkast' })).toMatchObject({ sparsity: 0.9 });
    expect(
      resolveTrainConfig({ ...flags, method: 'topkast', sparsity: 0.8, backwardSparsity: 0.5 }),
    ).toMatchObject({
      sparsity: 0.8,
      backwardSparsity: 0.5,
    });
    expect(() => resolveTrainConfig({ ...flags, sparsity: 0.9 })).toThrow(
      /--sparsity 0.9 with --method dense/,
    );
    expect(() => resolveTrainConfig({ ...flags, method: 'static', backwardSparsity: 0.5 })).toThrow(
      /--bwd-sparsity is Top-KAST's backward set/,
    );
    expect(() => resolveTrainConfig({ ...flags, method: 'static', penalty: 1e-4 })).toThrow(
      /exploration penalty/,
    );
  });

  it("defaults Top-KAST's refresh interval by optimizer: 1 with AdamW, the paper's 100 with SGD", () => {
    const topkast = { ...flags, method: 'topkast' };
    expect(resolveTrainConfig({ ...topkast, optimizer: 'adamw' }).refreshInterval).toBe(1);
    expect(resolveTrainConfig(topkast).refreshInterval).toBeUndefined(); // the method's own 100
    expect(resolveTrainConfig({ ...topkast, optimizer: 'adamw', refreshInterval: 10 }).refreshInterval).toBe(
      10,
    );
    expect(
      resolveTrainConfig({ ...flags, method: 'set', optimizer: 'adamw' }).refreshInterval,
    ).toBeUndefined();
  });

  it('takes --exploration-scale for Top-KAST only', () => {
    const config = resolveTrainConfig({ ...flags, method: 'topkast', explorationScale: 0.1 });
    expect(config.explorationScale).toBe(0.1);
    expect(() => resolveTrainConfig({ ...flags, method: 'static', explorationScale: 0.1 })).toThrow(
      /--exploration-scale is Top-KAST's step on B \\ A: drop it, or use --method topkast/,
    );
  });

  it('takes --entering-state for the methods whose backward set gains entries, and records it as given', () => {
    expect(resolveTrainConfig({ ...flags, method: 'topkast', enteringState: 'mean' }).enteringState).toBe(
      'mean',
    );
    expect(resolveTrainConfig({ ...flags, method: 'rigl' }).enteringState).toBeUndefined(); // the controller's zero
    expect(() => resolveTrainConfig({ ...flags, method: 'gmp', enteringState: 'mean' })).toThrow(
      '--entering-state is the optimizer state of entering entries: drop it, or use --method topkast or set or rigl',
    );
  });

  it("keys Spartan's options as its config does, and fills β_target by model", () => {
    const spartan = {
      ...flags,
      method: 'spartan',
      distribution: undefined,
      solver: 'sinkhorn' as const,
      warmup: 0.1,
      freeze: 0.5,
    };
    expect(resolveTrainConfig(spartan)).toMatchObject({
      solver: 'sinkhorn',
      warmup: 0.1,
      freeze: 0.5,
      betaTarget: 100,
      distribution: 'global',
    });
    expect(resolveTrainConfig({ ...spartan, model: 'cnn', hidden: undefined }).betaTarget).toBe(10);
    expect(() => resolveTrainConfig({ ...flags, method: 'topkast', freeze: 0.5 })).toThrow(
      "--freeze is Spartan's freeze: drop it, or use --method spartan",
    );
  });
});
