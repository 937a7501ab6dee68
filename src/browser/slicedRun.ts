/**
 * One training run that advances in slices of about `ms` milliseconds, so the thread running it can answer
 * messages (pause, stop) between slices: the worker's event loop cannot run while `fit` does.
 *
 * Each slice is a call of `fit` that continues from where the previous one stood (FitOptions.resume, the
 * mechanism checkpoints use): the callback that records the slice's steps ends it once its time is up, after
 * a whole step (and the evaluation that step leads to), by throwing; the model, optimizer and method
 * controller keep their state in between. So a run in slices takes exactly the steps, losses and evaluations
 * of one uninterrupted `fit` call (tested).
 *
 * Everything here is platform-neutral: the worker (trainerWorker.ts) runs it, and so can Node.
 */

import { type Dataset, inputSize, splitSize } from '../data/dataset.js';
import { engine } from '../kernels/engine.js';
import type { MethodController } from '../methods/controller.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import { buildModel } from '../run/buildModel.js';
import { createOptimizer, createSchedule, planImageRun, sparsifyRun } from '../run/runParts.js';
import { resolveTrainConfig, type TrainConfig } from '../run/trainConfig.js';
import { SparseWeight } from '../sparse/sparseWeight.js';
import type { Callbacks, EpochMetrics, FitProgress, TrainPlan } from '../train/callbacks.js';
import { evaluate } from '../train/evaluate.js';
import { finiteGuard } from '../train/finiteGuard.js';
import { type FitResult, fit } from '../train/fit.js';
import { median } from '../train/median.js';
import { type MaskPicture, maskPicture, type PictureSize } from './maskPicture.js';
import { exportTrainedModel } from './modelExport.js';
import type {
  BrowserRunConfig,
  LayerDensity,
  RunFinished,
  RunProgress,
  RunStarted,
  StepRecord,
} from './trainerMessages.js';

const DEFAULT_PICTURE: PictureSize = { maxHeight: 64, maxWidth: 112 };

/** Thrown by the slice's callback to end a slice; never escapes SlicedRun. */
class SliceEnd extends Error {}

export class SlicedRun {
  readonly config: TrainConfig;
  readonly plan: TrainPlan;
  private readonly dataset: Dataset;
  private readonly model: Module;
  private readonly modelName: string;
  private readonly optimizer: Optimizer;
  private readonly schedule: LrSchedule;
  private readonly controller: MethodController;
  private readonly picture: PictureSize;
  private progress: FitProgress | undefined;
  private result: FitResult | undefined;
  private readonly stepMs: number[] = [];
  private churnSent = 0;
  private pictured: Int32Array | null = null;

  /** Builds the model, method, optimizer and schedule `config.flags` describe, for `dataset`. */
  constructor(config: BrowserRunConfig, dataset: Dataset) {
    this.dataset = dataset;
    this.config = resolveTrainConfig(config.flags);
    this.picture = config.picture ?? DEFAULT_PICTURE;
    this.plan = planImageRun(this.config, splitSize(dataset.train), dataset.name);
    const { model, name } = buildModel(this.config, inputSize(dataset), dataset.classes);
    this.model = model;
    this.modelName = name;
    try {
      this.controller = sparsifyRun(model, this.config, this.plan.totalSteps);
      this.optimizer = createOptimizer(this.config, model.trainables());
      this.schedule = createSchedule(this.config, this.plan.totalSteps);
    } catch (error) {
      model.dispose?.();
      throw error;
    }
  }

  /** What the page shows before the first step. */
  started(): RunStarted {
    const { kernels, threads } = engine();
    return {
      type: 'started',
      method: this.controller.method.name,
      model: this.modelName,
      parameters: this.model.parameterCount(),
      totalSteps: this.plan.totalSteps,
      stepsPerEpoch: this.plan.stepsPerEpoch,
      backend: kernels.name,
      threads,
      layers: this.layers(),
      mask: this.nextPicture(),
    };
  }

  /** Whether every step has run and the last epoch is evaluated. */
  get finished(): boolean {
    return this.result !== undefined;
  }

  /** Steps taken so far. */
  get step(): number {
    return this.progress?.step ?? 0;
  }

  /**
   * Trains for about `ms` milliseconds (whole steps, at least one, and the evaluations they reach) and
   * returns what happened.
   */
  runSlice(ms: number): RunProgress {
    if (this.finished) throw new Error('SlicedRun.runSlice: the run has finished');
    const deadline = performance.now() + ms;
    const steps: StepRecord[] = [];
    const evaluations: EpochMetrics[] = [];
    const slice: Callbacks = {
      onBatchEnd: ({ step, loss, stepMs }) => {
        steps.push({ step, loss, stepMs });
        this.stepMs.push(stepMs);
      },
      onEpochEnd: (metrics) => evaluations.push(metrics),
      onProgress: (progress, plan) => {
        this.progress = progress;
        // A step that ends an epoch keeps its evaluation in its slice; the run's end is not cut.
        const evaluated = progress.history.length === progress.epoch;
        const evaluationNext = !evaluated && progress.epochSteps === plan.stepsPerEpoch;
        const last = progress.step === plan.totalSteps;
        if (!evaluationNext && !last && performance.now() >= deadline) throw new SliceEnd();
      },
    };
    try {
      this.result = fit({
        model: this.model,
        optimizer: this.optimizer,
        schedule: this.schedule,
        dataset: this.dataset,
        epochs: this.plan.epochs,
        maxSteps: this.config.steps,
        batchSize: this.config.batchSize,
        seed: this.config.seed,
        hooks: this.controller,
        callbacks: [finiteGuard(this.model), slice],
        resume: this.progress,
      });
    } catch (error) {
      if (!(error instanceof SliceEnd)) throw error;
    }
    const churn = this.controller.report().churn.slice(this.churnSent);
    this.churnSent += churn.length;
    const refreshed = churn.length > 0;
    return {
      type: 'progress',
      steps,
      evaluations,
      churn,
      layers: this.layers(),
      mask: refreshed ? this.nextPicture() : null,
    };
  }

  /**
   * The end of the run where it stands: its final evaluation (the last epoch's, or the test split evaluated
   * now when the run was stopped early) and the trained model's export bytes.
   */
  finish(): RunFinished {
    const stopped = !this.finished;
    const { accuracy, loss } = this.result
      ? { accuracy: this.result.testAccuracy, loss: this.result.testLoss }
      : evaluate(this.model, this.dataset.test, {
          inputSize: inputSize(this.dataset),
          normalization: this.dataset.normalization,
        });
    const { progress } = this;
    return {
      type: 'done',
      stopped,
      steps: this.step,
      testAccuracy: accuracy,
      testLoss: loss,
      stepMsMedian: median(this.stepMs),
      model:
        progress &&
        exportTrainedModel({
          model: this.model,
          config: this.config,
          progress,
          optimizer: this.optimizer,
          controller: this.controller,
        }),
    };
  }

  /** Returns the model's memory to the heap; the run is over. */
  dispose(): void {
    this.model.dispose?.();
  }

  private layers(): LayerDensity[] {
    return this.controller.report().layers.map(({ name, shape, forwardDensity, backwardDensity }) => ({
      name,
      shape,
      forwardDensity,
      backwardDensity,
    }));
  }

  /** A picture of the first sparse layer's forward set (none while no layer is sparse). */
  private nextPicture(): MaskPicture | null {
    const weight = this.model.trainables().find((t): t is SparseWeight => t instanceof SparseWeight);
    if (weight === undefined) return null;
    const forward = weight.forwardIndices();
    const picture = maskPicture(weight.name, weight, forward, this.pictured, this.picture);
    this.pictured = forward.slice();
    return picture;
  }
}
