import { TextBatcher } from '../data/textBatches.js';
import type { TextDataset } from '../data/textDataset.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { LrSchedule } from '../optim/schedules.js';
import { checkPositiveInteger } from '../util/checks.js';
import { Random } from '../util/random.js';
import type { Callbacks, FitProgress, PeriodMetrics, TextPeriodMetrics, TrainPlan } from './callbacks.js';
import { evaluateText, TEXT_EVAL_WINDOWS, type TextEvaluation } from './evaluateText.js';
import { endPeriod, StepRecorder } from './trainingLoop.js';
import type { StepHooks } from './trainStep.js';

export interface FitTextOptions {
  /** A language model: token ids [context, batch] in, logits [vocab, context·batch] out (Transformer). */
  readonly model: Module;
  readonly optimizer: Optimizer;
  readonly schedule: LrSchedule;
  readonly dataset: TextDataset;
  readonly steps: number;
  /** Characters per window (the model's context). */
  readonly context: number;
  /** Windows per step. */
  readonly batchSize: number;
  /** Steps between evaluations on the validation split. */
  readonly evalEvery: number;
  /** Characters of the validation split the periodic evaluations read (its beginning). */
  readonly evalChars: number;
  /** Seeds the windows drawn for training (the model's initialisation has its own seed). */
  readonly seed: number;
  readonly callbacks?: readonly Callbacks<TextPeriodMetrics>[];
  readonly hooks?: StepHooks;
  /**
   * Continue a run from where it stood (a checkpoint's progress, checked to be a text run's; see
   * FitOptions.resume).
   */
  readonly resume?: FitProgress<PeriodMetrics>;
}

export interface FitTextResult {
  readonly steps: number;
  /** The whole validation and test splits after the last step. */
  readonly validation: TextEvaluation;
  readonly test: TextEvaluation;
  /** One entry per evaluation period. */
  readonly history: readonly TextPeriodMetrics[];
  /** Time in training steps (windows, forward, backward, update), for the steps this call ran. */
  readonly trainSeconds: number;
  readonly evalSeconds: number;
  readonly stepMsMedian: number;
}

/** A text run's periods: `evalEvery` steps each, the last one shorter when it does not divide `steps`. */
export function planTextTraining(steps: number, evalEvery: number): TrainPlan {
  for (const [name, value] of Object.entries({ steps, evalEvery }))
    checkPositiveInteger(value, `fitText: ${name}`);
  const stepsPerEpoch = Math.min(evalEvery, steps);
  return { epochs: Math.ceil(steps / stepsPerEpoch), stepsPerEpoch, totalSteps: steps, periodName: 'eval' };
}

/**
 * Trains a character-level language model with next-character cross-entropy (the same trainStep as fit).
 * Every step draws `batchSize` windows of `context` characters at uniformly random positions of the training
 * split (TextBatcher with a generator forked from `seed`), so the stream of windows, and with it the whole
 * run, is a function of the seed. Every `evalEvery` steps (a period) the model is evaluated on the first
 * `evalChars` characters of the validation split; after the last step on the whole validation and test
 * splits. Dropout is off during evaluations.
 */
export function fitText(options: FitTextOptions): FitTextResult {
  const { model, optimizer, schedule, dataset, context, callbacks = [] } = options;
  const { resume } = options;
  const plan = planTextTraining(options.steps, options.evalEvery);
  if (resume) checkTextResume(resume, plan);
  const windowRandom = new Random(options.seed).fork('windows');
  if (resume) windowRandom.setState(resume.dataRandom);
  const batches = new TextBatcher(dataset.train, {
    context,
    batchSize: options.batchSize,
    random: windowRandom,
  });
  const evaluation = { context, batchSize: TEXT_EVAL_WINDOWS };
  const validationStart = dataset.validation.subarray(
    0,
    Math.min(options.evalChars + 1, dataset.validation.length),
  );
  const recorder = new StepRecorder(plan.totalSteps, resume?.step ?? 0);
  const history: TextPeriodMetrics[] = [...(resume?.history ?? [])];
  const evaluated = (period: number) => history.length === period;
  let evalSeconds = 0;
  const timed = <T>(run: () => T): T => {
    const started = performance.now();
    const result = run();
    evalSeconds += (performance.now() - started) / 1000;
    return result;
  };
  try {
    for (const callback of callbacks) callback.onTrainBegin?.(plan);
    const firstPeriod = resume ? resume.epoch + (evaluated(resume.epoch) ? 1 : 0) : 1;
    for (let period = firstPeriod; period <= plan.epochs; period++) {
      for (const callback of callbacks) callback.onEpochBegin?.(period);
      const resumed = resume !== undefined && period === resume.epoch;
      let lossSum = resumed ? resume.epochLossSum : 0;
      let periodSteps = resumed ? resume.epochSteps : 0;
      const progress = (): FitProgress<TextPeriodMetrics> => ({
        step: recorder.step,
        epoch: period,
        position: { epoch: period - 1, index: periodSteps },
        dataRandom: windowRandom.getState(),
        epochLossSum: lossSum,
        epochSteps: periodSteps,
        history: [...history],
      });
      const periodEnd = Math.min(period * plan.stepsPerEpoch, plan.totalSteps);
      while (recorder.step < periodEnd) {
        const loss = recorder.run(
          () => {
            const { tokens, targets } = batches.next();
            return { x: tokens, labels: targets };
          },
          { model, optimizer, schedule, hooks: options.hooks, epoch: period, callbacks },
        );
        lossSum += loss;
        periodSteps++;
        for (const callback of callbacks) callback.onProgress?.(progress(), plan);
      }
      const validation = timed(() => evaluateText(model, validationStart, evaluation));
      const metrics: TextPeriodMetrics = {
        epoch: period,
        step: recorder.step,
        trainLoss: lossSum / periodSteps,
        validationLoss: validation.loss,
        validationBpc: validation.bitsPerCharacter,
      };
      endPeriod(metrics, { history, callbacks, progress, plan });
    }
  } finally {
    batches.dispose();
    for (const callback of callbacks) callback.onTrainEnd?.();
  }
  const validation = timed(() => evaluateText(model, dataset.validation, evaluation));
  const test = timed(() => evaluateText(model, dataset.test, evaluation));
  return { steps: recorder.step, validation, test, history, evalSeconds, ...recorder.timing() };
}

/** Throws unless a resume point belongs to this plan: a step of its period, its evaluations so far. */
function checkTextResume(
  resume: FitProgress<PeriodMetrics>,
  plan: TrainPlan,
): asserts resume is FitProgress<TextPeriodMetrics> {
  const { step, epoch, history } = resume;
  const valid =
    Number.isInteger(step) &&
    Number.isInteger(epoch) &&
    epoch >= 1 &&
    epoch <= plan.epochs &&
    step >= (epoch - 1) * plan.stepsPerEpoch &&
    step <= Math.min(epoch * plan.stepsPerEpoch, plan.totalSteps) &&
    Array.isArray(history) &&
    (history.length === epoch || history.length === epoch - 1) &&
    history.every((m) => 'validationBpc' in m && Number.isFinite(m.validationBpc));
  if (!valid) {
    throw new Error(
      `fitText: cannot resume at step ${step} in evaluation period ${epoch} with ${history?.length} evaluations: it does not fit a run of ${plan.totalSteps} steps evaluated every ${plan.stepsPerEpoch}`,
    );
  }
}
