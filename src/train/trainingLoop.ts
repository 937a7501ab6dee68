import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Callbacks, FitProgress, PeriodMetrics, StepMetrics, TrainPlan } from './callbacks.js';
import { median } from './median.js';
import { type StepHooks, trainStep } from './trainStep.js';

/*
 * What the training loops (fit over image epochs, fitText over evaluation periods of a language model) share:
 * running, timing and announcing each step, and ending a period.
 */

/** What every step of a loop shares: the model and its training, and who hears of each step. */
export interface StepContext {
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly schedule: LrSchedule;
  readonly hooks?: StepHooks;
  /** The 1-based period (epoch) the steps belong to. */
  readonly epoch: number;
  readonly callbacks: readonly Pick<Callbacks, 'onBatchEnd'>[];
}

/**
 * The steps of a training loop (fit, fitText): runs each one (its batch, trainStep at the schedule's learning
 * rate), times it, counts it and tells the callbacks; at the end, the time the steps took.
 */
export class StepRecorder {
  /** Steps taken so far in the run (a resumed run starts at its resume point). */
  step: number;
  private readonly firstStep: number;
  private readonly stepMs: Float64Array;

  constructor(totalSteps: number, firstStep = 0) {
    this.stepMs = new Float64Array(totalSteps);
    this.firstStep = firstStep;
    this.step = firstStep;
  }

  /** Runs the next step on the batch `nextBatch` fills (timed with it) and returns its loss. */
  run(nextBatch: () => { x: Tensor; labels: Int32Array }, context: StepContext): number {
    const started = performance.now();
    const { step } = this;
    const lr = context.schedule(step);
    const { x, labels } = nextBatch();
    const { model, optimizer, hooks } = context;
    const loss = trainStep({ model, optimizer, x, labels, step, lr, hooks });
    const stepMs = performance.now() - started;
    this.stepMs[step] = stepMs;
    this.step = step + 1;
    const metrics: StepMetrics = { step: this.step, epoch: context.epoch, loss, lr, stepMs };
    for (const callback of context.callbacks) callback.onBatchEnd?.(metrics);
    return loss;
  }

  /** Seconds in the steps this recorder ran, and their median in milliseconds. */
  timing(): { trainSeconds: number; stepMsMedian: number } {
    const ran = this.stepMs.subarray(this.firstStep, this.step);
    return { trainSeconds: ran.reduce((a, b) => a + b, 0) / 1000, stepMsMedian: median(ran) };
  }
}

/**
 * Ends a period after its evaluation: records its metrics, then tells the callbacks (onEpochEnd, and
 * onProgress with where the loop now stands: the moment a finished run saves its last checkpoint).
 */
export function endPeriod<M extends PeriodMetrics>(
  metrics: M,
  loop: {
    readonly history: M[];
    readonly callbacks: readonly Callbacks<M>[];
    readonly progress: () => FitProgress<M>;
    readonly plan: TrainPlan;
  },
): void {
  loop.history.push(metrics);
  for (const callback of loop.callbacks) callback.onEpochEnd?.(metrics);
  for (const callback of loop.callbacks) callback.onProgress?.(loop.progress(), loop.plan);
}
