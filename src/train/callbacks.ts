import type { BatchPosition } from '../data/batches.js';

/**
 * Hooks into the training loops (progress display, metrics files, checkpoints). Every hook is optional; the
 * loops call them synchronously, in the order the callbacks were given. Both loops run in periods that end
 * with an evaluation: fit's periods are epochs over the images (EpochMetrics), fitText's are --eval-every
 * steps of random windows (TextPeriodMetrics); `M` is the period's metrics.
 */

/** Known before the first step. */
export interface TrainPlan {
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  /** Steps the run will take: epochs × stepsPerEpoch, or maxSteps when smaller. */
  readonly totalSteps: number;
  /** What a period is called where progress is shown: 'epoch' (the default) or 'eval' (fitText). */
  readonly periodName?: string;
}

/** After each optimizer step. */
export interface StepMetrics {
  /** 1-based count of steps taken so far. */
  readonly step: number;
  /** 1-based epoch the step belongs to. */
  readonly epoch: number;
  readonly loss: number;
  /** The learning rate the step used. */
  readonly lr: number;
  readonly stepMs: number;
}

/** After each epoch's evaluation on the test split (a run stopped by maxSteps ends with a partial epoch). */
export interface EpochMetrics {
  /** 1-based epoch. */
  readonly epoch: number;
  /** Steps taken so far in the run. */
  readonly step: number;
  /** Mean training loss over the epoch's steps. */
  readonly trainLoss: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
}

/** After each evaluation period of a language model (fitText), on the first characters of validation. */
export interface TextPeriodMetrics {
  /** 1-based period. */
  readonly epoch: number;
  readonly step: number;
  /** Mean training loss (nats per character) over the period's steps. */
  readonly trainLoss: number;
  /** Mean loss in nats and bits per character over the evaluated characters of the validation split. */
  readonly validationLoss: number;
  readonly validationBpc: number;
}

/** The metrics of either loop's period. */
export type PeriodMetrics = EpochMetrics | TextPeriodMetrics;

/**
 * Where the fit loop stands, as plain data: with the model, optimizer and sparsity state, everything a run
 * needs to continue exactly where it was (checkpoints store it; FitOptions.resume takes it back).
 */
export interface FitProgress<M extends PeriodMetrics = EpochMetrics> {
  /** Steps taken so far. */
  readonly step: number;
  /** The 1-based epoch in progress (or just evaluated). */
  readonly epoch: number;
  /** The training batches' position (the data order is a function of the seed and the epoch). */
  readonly position: BatchPosition;
  /** The state of the generator the data order is forked from. */
  readonly dataRandom: readonly number[];
  /** Sum of the losses and count of the steps of this epoch so far (for its mean training loss). */
  readonly epochLossSum: number;
  readonly epochSteps: number;
  /** The epochs evaluated so far; history.length === epoch once this epoch is evaluated. */
  readonly history: readonly M[];
}

export interface Callbacks<M extends PeriodMetrics = EpochMetrics> {
  onTrainBegin?(plan: TrainPlan): void;
  /** `epoch` counts from 1. */
  onEpochBegin?(epoch: number): void;
  onBatchEnd?(metrics: StepMetrics): void;
  onEpochEnd?(metrics: M): void;
  /**
   * After each step (the epoch not yet evaluated) and after each epoch's evaluation, with where the loop
   * stands: the moment to save a checkpoint.
   */
  onProgress?(progress: FitProgress<M>, plan: TrainPlan): void;
  /** After the last epoch, also when the run stops with an error (then before the error propagates). */
  onTrainEnd?(): void;
}
