/**
 * One training run from a resolved configuration: load the data, build the model, optimizer, schedule and
 * sparsity method, train, and summarise. An image classifier trains with fit (epochs, test accuracy), a
 * language model with fitText (steps on random windows, bits per character); everything around the loop
 * (method, optimizer, resume, progress, metrics, checkpoints, the summary's costs) is shared. Used by
 * `topkast train`, `topkast compare` and `topkast demo`.
 */
import { type Checkpoint, encodeCheckpoint } from '../checkpoint/checkpoint.js';
import { checkpointSaver } from '../checkpoint/checkpointSaver.js';
import { type InitWeights, loadInitWeights } from '../checkpoint/initWeights.js';
import { restoreModel } from '../checkpoint/modelTensors.js';
import type { Checkpointing } from '../checkpoint/runState.js';
import { inputSize, splitSize } from '../data/dataset.js';
import { loadDataset, loadTextDataset } from '../data/registry.js';
import { engine } from '../kernels/engine.js';
import { type MethodController, sparsify } from '../methods/controller.js';
import { defaultBackwardSparsity } from '../methods/registry.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import { configLimits } from '../run/configSchema.js';
import { createOptimizer, createSchedule, methodOf } from '../run/runParts.js';
import type { Callbacks, FitProgress, PeriodMetrics } from '../train/callbacks.js';
import { finiteGuard } from '../train/finiteGuard.js';
import { fit, planTraining } from '../train/fit.js';
import { fitText } from '../train/fitText.js';
import { metricsLog } from '../train/metricsLog.js';
import { type ProgressOptions, progressReporter } from '../train/progress.js';
import {
  isTextSummary,
  type RunDescription,
  type RunSummary,
  runSummary,
  type TextRunSummary,
  type TrainingSummary,
  textRunSummary,
} from '../train/summary.js';
import { buildModel, buildTextModel } from './buildModel.js';
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
  /** Start from these weights (`--init`) instead of the seed's initialisation. */
  readonly init?: InitWeights;
}

/** A run of either kind: a language model for a transformer config, else an image classifier. */
export function runTraining(config: TrainConfig, options: RunOptions = {}): TrainingSummary {
  return config.model === 'transformer'
    ? runTextTraining(config, options)
    : runImageTraining(config, options);
}

/** An image classifier (mlp or cnn) trained with fit for epochs; reports test accuracy. */
export function runImageTraining(config: TrainConfig, options: RunOptions = {}): RunSummary {
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
  if (plan.totalSteps > configLimits.steps) {
    throw new Error(
      `--epochs ${epochs} of ${stepsPerEpoch} steps (--batch-size ${config.batchSize}) is ${plan.totalSteps} steps, above the ${configLimits.steps} a run takes: use fewer epochs, a larger batch, or --steps`,
    );
  }
  const { model, name } = buildModel(config, inputSize(dataset), dataset.classes);
  const built = { model, name, dataset: dataset.name, totalSteps: plan.totalSteps };
  const { run, result } = trainBuilt(config, options, built, (parts) =>
    fit({
      ...parts,
      dataset,
      epochs: plan.epochs,
      maxSteps: config.steps,
      batchSize: config.batchSize,
      seed: config.seed,
    }),
  );
  return runSummary({ ...run, config: { ...config, epochs: plan.epochs } }, result);
}

/** A character-level transformer trained with fitText for config.steps; reports bits per character. */
export function runTextTraining(config: TrainConfig, options: RunOptions = {}): TextRunSummary {
  const dataset = loadTextDataset(config.dataset);
  const { steps, context, evalEvery, evalChars } = config;
  if (steps === undefined || context === undefined || evalEvery === undefined || evalChars === undefined) {
    throw new Error(
      'a language-model config needs steps, context, evalEvery and evalChars: resolve it first',
    );
  }
  const shortest = Math.min(dataset.train.length, dataset.validation.length, dataset.test.length);
  if (context >= shortest) {
    throw new Error(
      `--context ${context} is longer than a split of ${dataset.name} (${shortest} characters): use --context ${shortest - 1} or less`,
    );
  }
  const { model, name } = buildTextModel(config, dataset.vocabulary.length);
  const built = { model, name, dataset: dataset.name, totalSteps: steps };
  const { run, result } = trainBuilt(config, options, built, (parts) =>
    fitText({
      ...parts,
      dataset,
      steps,
      context,
      batchSize: config.batchSize,
      evalEvery,
      evalChars,
      seed: config.seed,
    }),
  );
  return textRunSummary(run, result);
}

/** What trainBuilt hands the loop: everything but the data and the loop's own settings. */
interface LoopParts<M extends PeriodMetrics> {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly schedule: LrSchedule;
  readonly callbacks: readonly Callbacks<M>[];
  readonly hooks: MethodController;
  readonly resume?: FitProgress;
}

/**
 * The run around a built model: the sparsity method, optimizer and schedule over `totalSteps`, the state of a
 * resumed checkpoint, progress, metrics and checkpoint callbacks and the announcement; then `loop` trains.
 * Returns the loop's result and the run's description for the summary; the model is disposed either way.
 */
function trainBuilt<M extends PeriodMetrics, R>(
  config: TrainConfig,
  options: RunOptions,
  built: { model: Module; name: string; dataset: string; totalSteps: number },
  loop: (parts: LoopParts<M>) => R,
): { run: RunDescription; result: R } {
  const { model, totalSteps } = built;
  let started = false;
  try {
    if (options.init) loadInitWeights(model, options.init);
    const method = methodOf(config);
    const controller = sparsify(model, {
      method,
      distribution: config.distribution,
      denseLayers: config.denseLayers,
      totalSteps,
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
    const callbacks: Callbacks<M>[] = [finiteGuard(model)];
    if (options.progress !== false) callbacks.push(progressReporter(options.progress));
    if (options.metricsFile !== undefined) {
      const progress = resume?.checkpoint.state.progress;
      const from = progress && { step: progress.step, periods: progress.history.length };
      callbacks.push(metricsLog(options.metricsFile, { resume: from }));
    }
    if (checkpoint) {
      const { dir, saveEvery, keep } = checkpoint;
      const encode = (progress: FitProgress<M>) =>
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
      `${describeMethod(config)} ${built.name} on ${built.dataset} (${model.parameterCount().toLocaleString('en-US')} parameters): ` +
        `${config.optimizer} lr ${config.lr} ${config.schedule}, batch ${config.batchSize}, ${totalSteps} steps, seed ${config.seed}, ${engine().kernels.name} kernels` +
        (resume ? `; resuming from ${resume.file} at step ${resume.checkpoint.state.progress.step}` : '') +
        (options.init ? `; starting from the weights of ${options.init.source}` : ''),
    );
    started = true;
    const result = loop({
      model,
      optimizer,
      schedule: createSchedule(config, totalSteps),
      callbacks,
      hooks: controller,
      resume: resume?.checkpoint.state.progress,
    });
    const run: RunDescription = {
      method: method.name,
      model: built.name,
      dataset: built.dataset,
      seed: config.seed,
      parameters: model.parameterCount(),
      backend: engine().kernels.name,
      config: { ...config },
      sparsity: controller.report(),
    };
    return { run, result };
  } catch (error) {
    throw options.resume && !started ? namingCheckpoint(error, options.resume.file) : error;
  } finally {
    model.dispose?.();
  }
}

/** An error met while rebuilding a checkpoint's run (its config or state does not fit), naming the checkpoint. */
function namingCheckpoint(error: unknown, file: string): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new Error(message.includes(file) ? message : `cannot resume from ${file}: ${message}`);
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

/**
 * One line with the result, for people: test accuracy and loss (images) or validation and test bits per
 * character (text), steps, time and step time.
 */
export function describeResult(summary: TrainingSummary): string {
  const quality = isTextSummary(summary)
    ? `validation bpc ${summary.bitsPerCharacter.validation.toFixed(4)} | test bpc ${summary.bitsPerCharacter.test.toFixed(4)} | ${summary.steps} steps`
    : `test accuracy ${summary.testAccuracy.toFixed(4)} | test loss ${summary.testLoss.toFixed(4)} | ` +
      `${summary.steps} steps (${summary.epochs} epoch${summary.epochs === 1 ? '' : 's'})`;
  return (
    `${quality} in ${formatDuration(summary.trainSeconds)} | ` +
    `${summary.timing.stepMsMedian.toFixed(1)} ms/step median | ${summary.backend}`
  );
}

/** A duration for people: "850 ms" under a second (where one decimal of seconds would read "0.0 s"), else "12.3 s". */
function formatDuration(seconds: number): string {
  return seconds < 1 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}
