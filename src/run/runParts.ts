/**
 * The parts of a run its configuration chooses: the sparsity method and the model made sparse by it, the
 * optimizer over the model's trainables and the learning-rate schedule. Shared by `topkast train` (run/runTraining.ts), the step budget and the
 * browser trainer (browser/slicedRun.ts), without the Node-only parts of a CLI run.
 */
import type { MethodController, TrainingMethod } from '../methods/controller.js';
import type { MethodSettings } from '../methods/definition.js';
import { createTrainingMethod } from '../methods/registry.js';
import { sparsify } from '../methods/sparsify.js';
import type { Module } from '../nn/module.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { constantLr, cosineLr, type LrSchedule, stepLr } from '../optim/schedules.js';
import { SGD } from '../optim/sgd.js';
import type { Trainable } from '../tensor/trainable.js';
import type { TrainPlan } from '../train/callbacks.js';
import { planTraining } from '../train/fit.js';
import { configLimits } from './configSchema.js';
import { DEFAULT_EPOCHS, type TrainConfig } from './trainConfig.js';

/** The run's sparsity method, from its configuration (the options its definition reads). */
export function methodOf(config: TrainConfig) {
  return createTrainingMethod(config.method, config as unknown as MethodSettings);
}

/**
 * An image classifier's epochs and steps over a training split of `trainSize` examples of `dataset`: --epochs,
 * else as many as --steps needs, else DEFAULT_EPOCHS, with --steps capping the total. Refuses a batch larger
 * than the split and a plan above the steps a run takes.
 */
export function planImageRun(config: TrainConfig, trainSize: number, dataset: string): TrainPlan {
  if (config.batchSize > trainSize) {
    throw new Error(
      `batch size ${config.batchSize} is larger than the ${trainSize} training examples of ${dataset}: use --batch-size ${trainSize} or less`,
    );
  }
  const stepsPerEpoch = Math.floor(trainSize / config.batchSize);
  const epochs =
    config.epochs ?? (config.steps === undefined ? DEFAULT_EPOCHS : Math.ceil(config.steps / stepsPerEpoch));
  const plan = planTraining({ trainSize, batchSize: config.batchSize, epochs, maxSteps: config.steps });
  if (plan.totalSteps > configLimits.steps) {
    throw new Error(
      `--epochs ${epochs} of ${stepsPerEpoch} steps (--batch-size ${config.batchSize}) is ${plan.totalSteps} steps, above the ${configLimits.steps} a run takes: use fewer epochs, a larger batch, or --steps`,
    );
  }
  return plan;
}

/**
 * Makes the model sparse as the run's configuration says (method, distribution, dense layers, entering state)
 * for a run of `totalSteps`, and returns the method's controller. Every way of running a config (the CLI, the
 * step budget's calibration, the browser trainer) goes through here, so each honours every setting.
 */
export function sparsifyRun(
  model: Module,
  config: TrainConfig,
  totalSteps: number,
  method: TrainingMethod = methodOf(config),
): MethodController {
  return sparsify(model, {
    method,
    distribution: config.distribution,
    denseLayers: config.denseLayers,
    enteringState: config.enteringState,
    totalSteps,
    seed: config.seed,
  });
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
