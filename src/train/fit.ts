import { BatchIterator } from '../data/batches.js';
import { type Dataset, inputSize, splitSize } from '../data/dataset.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import { checkPositiveInteger } from '../util/checks.js';
import { Random } from '../util/random.js';
import type { Callbacks, EpochMetrics, FitProgress, TrainPlan } from './callbacks.js';
import { evaluate } from './evaluate.js';
import { endPeriod, StepRecorder } from './trainingLoop.js';
import type { StepHooks } from './trainStep.js';

export interface FitOptions {
  readonly model: Module;
  readonly optimizer: Optimizer;
  /** The learning rate of each step, from the 0-based index of the step about to run. */
  readonly schedule: LrSchedule;
  readonly dataset: Dataset;
  readonly epochs: number;
  /** Stop after this many steps even if epochs remain (the last epoch is then partial, and evaluated). */
  readonly maxSteps?: number;
  readonly batchSize: number;
  /** Seeds the order of the training examples (the model's initialisation has its own seed). */
  readonly seed: number;
  readonly callbacks?: readonly Callbacks[];
  /** Examples per forward pass when evaluating (default 1000). */
  readonly evalBatchSize?: number;
  /** A training method's step hooks (its controller); none for dense training. */
  readonly hooks?: StepHooks;
  /**
   * Continue a run from where it stood (a checkpoint's FitProgress): the model, optimizer and hooks must
   * already hold the state saved with it. The run then ends exactly as the uninterrupted run would have.
   */
  readonly resume?: FitProgress;
}

export interface FitResult {
  /** Optimizer steps taken. */
  readonly steps: number;
  /** Epochs run; the last may be partial when maxSteps stopped the run. */
  readonly epochs: number;
  readonly testAccuracy: number;
  readonly testLoss: number;
  /** One entry per epoch run. */
  readonly history: readonly EpochMetrics[];
  /**
   * Time spent in training steps (batch preparation, forward, backward, update), not in evaluation; the
   * timing fields count only the steps this call ran (after the resume point).
   */
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  readonly stepMsMedian: number;
}

/** How many steps a run takes: full batches only (the last partial batch of an epoch is dropped). */
export function planTraining(options: {
  trainSize: number;
  batchSize: number;
  epochs: number;
  maxSteps?: number;
}): TrainPlan {
  const { trainSize, batchSize, epochs, maxSteps } = options;
  checkPositiveInteger(epochs, 'fit: epochs');
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > trainSize) {
    throw new Error(
      `fit: batch size must be an integer in 1..${trainSize} (the training examples), got ${batchSize}`,
    );
  }
  if (maxSteps !== undefined) checkPositiveInteger(maxSteps, 'fit: maxSteps');
  const stepsPerEpoch = Math.floor(trainSize / batchSize);
  const totalSteps = Math.min(epochs * stepsPerEpoch, maxSteps ?? Number.POSITIVE_INFINITY);
  return { epochs: Math.ceil(totalSteps / stepsPerEpoch), stepsPerEpoch, totalSteps };
}

/**
 * Trains a classifier with softmax cross-entropy. Each step: fill the batch, then trainStep (forward and loss
 * on a tape, backward, the sparsity hooks, optimizer.step(schedule(step)), zeroGrad). After every epoch
 * the model is evaluated on the test split. The training order is shuffled per epoch from `seed`, and the
 * last partial batch of each epoch is dropped, so every step has the same batch size. Inputs are normalised
 * with the dataset's pixel statistics, x = (pixel/255 − mean) / std (Dataset.normalization), in training and
 * evaluation alike.
 *
 * A loss that is NaN or infinite stops the run with an error naming the step, before the update.
 */
export function fit(options: FitOptions): FitResult {
  const { model, optimizer, schedule, dataset, batchSize, callbacks = [] } = options;
  const plan = planTraining({
    trainSize: splitSize(dataset.train),
    batchSize,
    epochs: options.epochs,
    maxSteps: options.maxSteps,
  });
  const features = inputSize(dataset);
  const evaluation = {
    inputSize: features,
    normalization: dataset.normalization,
    batchSize: options.evalBatchSize,
  };
  const { resume } = options;
  if (resume) checkResume(resume, plan);
  const dataRandom = new Random(options.seed).fork('batches');
  if (resume) dataRandom.setState(resume.dataRandom);
  const batches = new BatchIterator(dataset.train, {
    batchSize,
    inputSize: features,
    normalization: dataset.normalization,
    random: dataRandom,
    dropLast: true,
  });
  const recorder = new StepRecorder(plan.totalSteps, resume?.step ?? 0);
  const history: EpochMetrics[] = [...(resume?.history ?? [])];
  let evalSeconds = 0;
  // A resumed epoch that was already evaluated is over: continue with the next one.
  const resumedEpoch = resume && history.length < resume.epoch ? resume.epoch : undefined;
  const firstEpoch = resume ? resume.epoch + (resumedEpoch === undefined ? 1 : 0) : 1;
  try {
    if (resume) batches.setPosition(resume.position);
    for (const callback of callbacks) callback.onTrainBegin?.(plan);
    for (let epoch = firstEpoch; epoch <= plan.epochs; epoch++) {
      if (epoch > 1 && epoch !== resumedEpoch) batches.nextEpoch();
      for (const callback of callbacks) callback.onEpochBegin?.(epoch);
      let lossSum = epoch === resumedEpoch ? resume!.epochLossSum : 0;
      let epochSteps = epoch === resumedEpoch ? resume!.epochSteps : 0;
      const progress = (): FitProgress => ({
        step: recorder.step,
        epoch,
        position: batches.position,
        dataRandom: dataRandom.getState(),
        epochLossSum: lossSum,
        epochSteps,
        history: [...history],
      });
      while (batches.hasNext() && recorder.step < plan.totalSteps) {
        lossSum += recorder.run(() => batches.next(), {
          model,
          optimizer,
          schedule,
          hooks: options.hooks,
          epoch,
          callbacks,
        });
        epochSteps++;
        for (const callback of callbacks) callback.onProgress?.(progress(), plan);
      }
      const evalStarted = performance.now();
      const test = evaluate(model, dataset.test, evaluation);
      evalSeconds += (performance.now() - evalStarted) / 1000;
      const metrics: EpochMetrics = {
        epoch,
        step: recorder.step,
        trainLoss: lossSum / epochSteps,
        testAccuracy: test.accuracy,
        testLoss: test.loss,
      };
      endPeriod(metrics, { history, callbacks, progress, plan });
    }
  } finally {
    batches.dispose();
    for (const callback of callbacks) callback.onTrainEnd?.();
  }
  const last = history[history.length - 1]!;
  return {
    steps: recorder.step,
    epochs: history.length,
    testAccuracy: last.testAccuracy,
    testLoss: last.testLoss,
    history,
    evalSeconds,
    ...recorder.timing(),
  };
}

/** Throws unless a resume point belongs to this plan: a step within it, the data position of its epoch. */
function checkResume(resume: FitProgress, plan: TrainPlan): void {
  const { step, epoch, position, history } = resume;
  const batchesPerEpoch = plan.stepsPerEpoch;
  const valid =
    Number.isInteger(step) &&
    step >= 0 &&
    step <= plan.totalSteps &&
    Number.isInteger(epoch) &&
    epoch >= 1 &&
    epoch <= plan.epochs &&
    position?.epoch === epoch - 1 &&
    Number.isInteger(position.index) &&
    position.index <= batchesPerEpoch &&
    Array.isArray(history) &&
    history.length <= epoch &&
    history.length >= epoch - 1;
  if (!valid) {
    throw new Error(
      `fit: cannot resume at step ${step}, epoch ${epoch}, batch ${JSON.stringify(position)} with ${history?.length} epochs evaluated: it does not fit a run of ${plan.totalSteps} steps in ${plan.epochs} epochs of ${batchesPerEpoch} batches`,
    );
  }
}
