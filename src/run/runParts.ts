/**
 * The parts of a run its configuration chooses: the sparsity method, the optimizer over the model's trainables
 * and the learning-rate schedule. Shared by `topkast train` (run/runTraining.ts), the step budget and the
 * browser trainer (browser/slicedRun.ts), without the Node-only parts of a CLI run.
 */
import type { MethodSettings } from '../methods/definition.js';
import { createTrainingMethod } from '../methods/registry.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { constantLr, cosineLr, type LrSchedule, stepLr } from '../optim/schedules.js';
import { SGD } from '../optim/sgd.js';
import type { Trainable } from '../tensor/trainable.js';
import type { TrainConfig } from './trainConfig.js';

/** The run's sparsity method, from its configuration (the options its definition reads). */
export function methodOf(config: TrainConfig) {
  return createTrainingMethod(config.method, config as unknown as MethodSettings);
}

/** The run's optimizer over the model's trainables. */
export function createOptimizer(config: TrainConfig, trainables: readonly Trainable[]): Optimizer {
  if (config.optimizer === 'adamw')
    return new AdamW(trainables, { lr: config.lr, weightDecay: config.weightDecay });
  return new SGD(trainables, {
    lr: config.lr,
    momentum: config.momentum,
    nesterov: config.nesterov,
    weightDecay: config.weightDecay,
  });
}

/** constant; cosine decay to 0 over the run; step: ×0.1 after each third of the run. */
export function createSchedule(config: TrainConfig, totalSteps: number): LrSchedule {
  switch (config.schedule) {
    case 'constant':
      return constantLr(config.lr);
    case 'cosine':
      return cosineLr({ lr: config.lr, totalSteps });
    case 'step':
      return stepLr({ lr: config.lr, stepSize: Math.max(1, Math.ceil(totalSteps / 3)), gamma: 0.1 });
  }
}
