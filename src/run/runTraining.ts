/**
 * One training run from a resolved configuration: load the data, build the model, optimizer, schedule and
 * sparsity method, train, and summarise. An image classifier trains with fit (epochs, test accuracy), a
 * language model with fitText (steps on random windows, bits per character); everything around the loop
 * (method, optimizer, progress, metrics, the summary's costs) is shared. Used by `topkast train`, `compare`,
 * `demo`, a queue worker and library callers. Checkpoints, resuming and --init weights come in through a
 * RunExtension (src/checkpoint/checkpointedRun.ts), since run/ sits below checkpoint/.
 */
import { type Dataset, inputSize, splitSize } from '../data/dataset.js';
import { loadDataset, loadTextDataset } from '../data/registry.js';
import { engine } from '../kernels/engine.js';
import type { MethodController } from '../methods/controller.js';
import { readsSparsity } from '../methods/registry.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import type {
  Callbacks,
  EpochMetrics,
  FitProgress,
  PeriodMetrics,
  TextPeriodMetrics,
} from '../train/callbacks.js';
import { finiteGuard } from '../train/finiteGuard.js';
import { fit } from '../train/fit.js';
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
import { createOptimizer, createSchedule, methodOf, planImageRun, sparsifyRun } from './runParts.js';
import type { TrainConfig } from './trainConfig.js';

export interface RunOptions {
  /** Progress display options, or false for none. */
  readonly progress?: ProgressOptions | false;
  /** Write JSON-lines metrics to this file. */
  readonly metricsFile?: string;
  /** Receives one line describing the run before it starts. */
  readonly announce?: (line: string) => void;
  /** An image classifier's dataset, already loaded (a worker's shared copy), instead of loading config.dataset. */
  readonly dataset?: Dataset;
  /** What the caller adds around the run: starting weights, a resumed state, checkpoints. */
  readonly extension?: RunExtension;
}

/** A run's model, optimizer and method controller, once built. */
export interface BuiltRun {
  readonly config: TrainConfig;
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly controller: MethodController;
}

/**
 * What a caller adds around a run, in the order the run calls it (src/checkpoint/checkpointedRun.ts: --init,
 * --resume and saving checkpoints).
 */
export interface RunExtension {
  /** The built model, before the method picks its sets from its weights (e.g. load starting weights). */
  prepareModel?(model: Module): void;
  /** Once model, optimizer and controller exist: restore their state; the progress the loop continues from. */
  restore?<M extends PeriodMetrics>(run: BuiltRun): FitProgress<M> | undefined;
  /** More callbacks of the loop, after progress and metrics. */
  callbacks?<M extends PeriodMetrics>(run: BuiltRun): Callbacks<M>[];
  /** Appended to the announcement (e.g. '; resuming from FILE at step 40'). */
  readonly note?: string;
  /** An error met before training started, reworded (e.g. naming the checkpoint being resumed). */
  setupError?(error: unknown): Error;
}

/** A run of either kind: a language model for a transformer config, else an image classifier. */
export function runTraining(config: TrainConfig, options: RunOptions = {}): TrainingSummary {
  return config.model === 'transformer'
    ? runTextTraining(config, options)
    : runImageTraining(config, options);
}

/** An image classifier (mlp or cnn) trained with fit for epochs; reports test accuracy. */
export function runImageTraining(config: TrainConfig, options: RunOptions = {}): RunSummary {
  const dataset = options.dataset ?? loadDataset(config.dataset);
  if (dataset.name !== config.dataset) {
    throw new Error(`runImageTraining: given dataset ${dataset.name} for a run on ${config.dataset}`);
  }
  const plan = planImageRun(config, splitSize(dataset.train), dataset.name);
  const { model, name } = buildModel(config, inputSize(dataset), dataset.classes);
  const built = { model, name, dataset: dataset.name, totalSteps: plan.totalSteps };
  const { run, result } = trainBuilt(config, options, built, (parts: LoopParts<EpochMetrics>) =>
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
  const { run, result } = trainBuilt(config, options, built, (parts: LoopParts<TextPeriodMetrics>) =>
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
  readonly resume?: FitProgress<M>;
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
  const { extension } = options;
  let started = false;
  try {
    extension?.prepareModel?.(model);
    const method = methodOf(config);
    const controller = sparsifyRun(model, config, totalSteps, method);
    const optimizer = createOptimizer(config, model.trainables());
    const parts = { config, model, optimizer, controller };
    const resume = extension?.restore?.<M>(parts);
    const callbacks: Callbacks<M>[] = [finiteGuard(model)];
    if (options.progress !== false) callbacks.push(progressReporter(options.progress));
    if (options.metricsFile !== undefined) {
      const from = resume && { step: resume.step, periods: resume.history.length };
      callbacks.push(metricsLog(options.metricsFile, { resume: from }));
    }
    callbacks.push(...(extension?.callbacks?.<M>(parts) ?? []));
    options.announce?.(
      `${describeMethod(config, method.config)} ${built.name} on ${built.dataset} (${model.parameterCount().toLocaleString('en-US')} parameters): ` +
        `${config.optimizer} lr ${config.lr} ${config.schedule}, batch ${config.batchSize}, ${totalSteps} steps, seed ${config.seed}, ${engine().kernels.name} kernels` +
        (extension?.note ?? ''),
    );
    started = true;
    const result = loop({
      model,
      optimizer,
      schedule: createSchedule(config, totalSteps),
      callbacks,
      hooks: controller,
      resume,
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
    throw extension?.setupError && !started ? extension.setupError(error) : error;
  } finally {
    model.dispose?.();
  }
}

/**
 * 'dense', or e.g. 'topkast 90%/80%': the method and its forward sparsity, and its backward sparsity where its
 * config has one.
 */
function describeMethod(config: TrainConfig, methodConfig: Readonly<Record<string, unknown>>): string {
  if (!readsSparsity(config.method)) return config.method;
  const percent = (s: number) => `${Math.round(s * 1000) / 10}%`;
  const { backwardSparsity } = methodConfig;
  const backward = typeof backwardSparsity === 'number' ? `/${percent(backwardSparsity)}` : '';
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
