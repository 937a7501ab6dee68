/**
 * Equal wall-clock budgets for `topkast compare --budget-seconds S`: a run's step count is S divided by its
 * own step time, measured on the run's model, method and optimizer over its first steps (median of
 * CALIBRATION_STEPS steps after two warm-up steps; language models on the run's own training windows, image
 * models on random inputs of the run's shape: a step's time does not depend on the pixel values). The
 * calibration trains a throw-away copy; the run itself then starts from scratch with that many steps, so
 * `topkast train --steps <steps>` with the same flags reproduces it (the summary records the budget).
 */
import { inputSize } from '../data/dataset.js';
import { loadDataset, loadTextDataset } from '../data/registry.js';
import { TextBatcher } from '../data/textBatches.js';
import { engine } from '../kernels/engine.js';
import type { Module } from '../nn/module.js';
import { buildModel, buildTextModel } from '../run/buildModel.js';
import { createOptimizer, sparsifyRun } from '../run/runParts.js';
import type { TrainConfig } from '../run/trainConfig.js';
import { Tensor } from '../tensor/tensor.js';
import { median } from '../train/median.js';
import { trainStep } from '../train/trainStep.js';
import { Random } from '../util/random.js';

export const CALIBRATION_STEPS = 20;

/** What a budgeted run records in its summary. */
export interface StepBudget {
  /** The wall-clock budget in seconds (training steps only; evaluations are not counted). */
  seconds: number;
  /** The median step time measured over the calibration steps. */
  stepMs: number;
  calibrationSteps: number;
  /** floor(seconds / stepMs), at least 1: the run's --steps. */
  steps: number;
}

/** The step count that fills `seconds` at this configuration's own step time. */
export function budgetSteps(config: TrainConfig, seconds: number): StepBudget {
  const stepMs = median(calibrationStepTimes(config, CALIBRATION_STEPS));
  return {
    seconds,
    stepMs,
    calibrationSteps: CALIBRATION_STEPS,
    steps: Math.max(1, Math.floor((1000 * seconds) / stepMs)),
  };
}

/** Milliseconds of each of `count` training steps (after two warm-up steps) of a fresh copy of the run. */
function calibrationStepTimes(config: TrainConfig, count: number): number[] {
  const totalSteps = count + 2;
  const { model, nextBatch, dispose } = calibrationRun(config);
  try {
    const hooks = sparsifyRun(model, config, totalSteps);
    const optimizer = createOptimizer(config, model.trainables());
    const times: number[] = [];
    for (let step = 0; step < totalSteps; step++) {
      const { x, labels } = nextBatch();
      const started = performance.now();
      trainStep({ model, optimizer, x, labels, step, lr: config.lr, hooks });
      if (step >= 2) times.push(performance.now() - started);
    }
    return times;
  } finally {
    dispose();
    model.dispose?.();
  }
}

/** The run's model and a source of batches shaped like the run's. */
function calibrationRun(config: TrainConfig): {
  model: Module;
  nextBatch: () => { x: Tensor; labels: Int32Array };
  dispose: () => void;
} {
  if (config.model === 'transformer') {
    const dataset = loadTextDataset(config.dataset);
    const batches = new TextBatcher(dataset.train, {
      context: config.context ?? 0,
      batchSize: config.batchSize,
      random: new Random(config.seed).fork('calibration'),
    });
    const model = buildTextModel(config, dataset.vocabulary.length).model;
    const nextBatch = () => {
      const { tokens, targets } = batches.next();
      return { x: tokens, labels: targets };
    };
    return { model, nextBatch, dispose: () => batches.dispose() };
  }
  const dataset = loadDataset(config.dataset);
  const { model } = buildModel(config, inputSize(dataset), dataset.classes);
  const random = new Random(config.seed).fork('calibration');
  const x = Tensor.zeros([inputSize(dataset), config.batchSize]);
  for (let i = 0; i < x.size; i++) x.data[i] = random.next();
  const labels = engine().heap.allocI32(config.batchSize);
  for (let b = 0; b < labels.length; b++) labels[b] = random.nextInt(dataset.classes);
  const dispose = () => {
    x.dispose();
    engine().heap.free(labels);
  };
  return { model, nextBatch: () => ({ x, labels }), dispose };
}
