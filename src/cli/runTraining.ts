/**
 * One dense training run from a resolved configuration: load the dataset, build the model, optimizer and
 * schedule, fit, and summarise. Shared by `topkast train` and `topkast demo`.
 */
import { type Checkpoint, encodeCheckpoint } from '../checkpoint/checkpoint.js';
import { checkpointSaver } from '../checkpoint/checkpointSaver.js';
import { restoreModel } from '../checkpoint/modelTensors.js';
import type { Checkpointing } from '../checkpoint/runState.js';
import { inputSize, splitSize } from '../data/dataset.js';
import { loadDataset } from '../data/registry.js';
import { engine } from '../kernels/engine.js';
import { sparsify } from '../methods/controller.js';
import { createMethod, defaultBackwardSparsity } from '../methods/registry.js';
import type { Trainable } from '../nn/trainable.js';
import { AdamW } from '../optim/adamw.js';
import type { Optimizer } from '../optim/optimizer.js';
import { constantLr, cosineLr, type LrSchedule, stepLr } from '../optim/schedules.js';
import { SGD } from '../optim/sgd.js';
import type { Callbacks, FitProgress } from '../train/callbacks.js';
import { fit, planTraining } from '../train/fit.js';
import { metricsLog } from '../train/metricsLog.js';
import { type ProgressOptions, progressReporter } from '../train/progress.js';
import { type RunSummary, runSummary } from '../train/summary.js';
import { buildModel } from './buildModel.js';
import { DEFAULT_EPOCHS, type TrainConfig } from './trainConfig.js';

export interface RunOptions {
  /** Progress display options, or false for none. */
  readonly progress?: ProgressOptions | false;
  /** Write JSON-lines metrics to this file. */
  readonly metricsFile?: string;
  /** Receives one line describing the run before it starts. */
  readonly announce?: (line: string) => void;
  /** Save checkpoints into `dir` (see checkpointSaver). */
  readonly checkpoint?: Checkpointing & { readonly dir: string };
  /** Continue the run this checkpoint (of `config`, read from `file`) saved, exactly where it stood. */
  readonly resume?: { readonly checkpoint: Checkpoint; readonly file: string };
}

export function runTraining(config: TrainConfig, options: RunOptions = {}): RunSummary {
  const method = createMethod(config.method, {
    sparsity: config.sparsity,
    backwardSparsity: config.backwardSparsity,
    refreshInterval: config.refreshInterval,
    penalty: config.penalty,
    initialSparsity: config.initialSparsity,
    pruningStart: config.pruningStart,
    pruningEnd: config.pruningEnd,
    dropFraction: config.dropFraction,
    updateEnd: config.updateEnd,
  });
  const dataset = loadDataset(config.dataset);
  const trainSize = splitSize(dataset.train);
  if (config.batchSize > trainSize) {
    throw new Error(
      `batch size ${config.batchSize} is larger than the ${trainSize} training examples of ${dataset.name}: use --batch-size ${trainSize} or less`,
    );
  }
  const stepsPerEpoch = Math.floor(trainSize / config.batchSize);
  const epochs =
    config.epochs ?? (config.steps === undefined ? DEFAULT_EPOCHS : Math.ceil(config.steps / stepsPerEpoch));
  const plan = planTraining({ trainSize, batchSize: config.batchSize, epochs, maxSteps: config.steps });
  const { model, name: modelName } = buildModel(config, inputSize(dataset), dataset.classes);
  try {
    const controller = sparsify(model, {
      method,
      distribution: config.distribution,
      denseLayers: config.denseLayers,
      totalSteps: plan.totalSteps,
      seed: config.seed,
    });
    const optimizer = createOptimizer(config, model.trainables());
    const { resume, checkpoint } = options;
    if (resume) {
      const { state, tensors } = resume.checkpoint;
      restoreModel(model, tensors, resume.file);
      optimizer.setState(state.optimizer);
      controller.setState(state.controller);
    }
    const callbacks: Callbacks[] = [];
    if (options.progress !== false) callbacks.push(progressReporter(options.progress));
    if (options.metricsFile !== undefined) {
      const resumeAfterStep = resume?.checkpoint.state.progress.step;
      callbacks.push(metricsLog(options.metricsFile, { resumeAfterStep }));
    }
    if (checkpoint) {
      const { dir, saveEvery, keep } = checkpoint;
      const encode = (progress: FitProgress) =>
        encodeCheckpoint(model, {
          config,
          progress,
          optimizer: optimizer.getState(),
          controller: controller.getState(),
          checkpointing: { saveEvery, keep },
        });
      callbacks.push(checkpointSaver({ dir, saveEvery, keep, encode }));
    }
    options.announce?.(
      `${describeMethod(config)} ${modelName} on ${dataset.name} (${model.parameterCount().toLocaleString('en-US')} parameters): ` +
        `${config.optimizer} lr ${config.lr} ${config.schedule}, batch ${config.batchSize}, ${plan.totalSteps} steps, seed ${config.seed}, ${engine().kernels.name} kernels` +
        (resume ? `; resuming from ${resume.file} at step ${resume.checkpoint.state.progress.step}` : ''),
    );
    const result = fit({
      model,
      optimizer,
      schedule: createSchedule(config, plan.totalSteps),
      dataset,
      epochs: plan.epochs,
      maxSteps: config.steps,
      batchSize: config.batchSize,
      seed: config.seed,
      callbacks,
      hooks: controller,
      resume: resume?.checkpoint.state.progress,
    });
    return runSummary(
      {
        method: method.name,
        model: modelName,
        dataset: dataset.name,
        seed: config.seed,
        parameters: model.parameterCount(),
        backend: engine().kernels.name,
        config: { ...config, epochs: plan.epochs },
        sparsity: controller.report(),
      },
      result,
    );
  } finally {
    model.dispose();
  }
}

/** 'dense', or e.g. 'topkast 90%/80%' (forward/backward sparsity) for a sparse method. */
function describeMethod(config: TrainConfig): string {
  if (config.method === 'dense') return 'dense';
  const percent = (s: number) => `${Math.round(s * 1000) / 10}%`;
  const backward =
    config.method === 'topkast'
      ? `/${percent(config.backwardSparsity ?? defaultBackwardSparsity(config.sparsity))}`
      : '';
  return `${config.method} ${percent(config.sparsity)}${backward}`;
}

/** One line with the result, for people: accuracy, loss, steps, time and step time. */
export function describeResult(summary: RunSummary): string {
  return (
    `test accuracy ${summary.testAccuracy.toFixed(4)} | test loss ${summary.testLoss.toFixed(4)} | ` +
    `${summary.steps} steps (${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'}) in ${summary.trainSeconds.toFixed(1)} s | ` +
    `${summary.timing.stepMsMedian.toFixed(1)} ms/step median | ${summary.backend}`
  );
}

function createOptimizer(config: TrainConfig, trainables: readonly Trainable[]): Optimizer {
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
function createSchedule(config: TrainConfig, totalSteps: number): LrSchedule {
  switch (config.schedule) {
    case 'constant':
      return constantLr(config.lr);
    case 'cosine':
      return cosineLr({ lr: config.lr, totalSteps });
    case 'step':
      return stepLr({ lr: config.lr, stepSize: Math.max(1, Math.ceil(totalSteps / 3)), gamma: 0.1 });
  }
}
