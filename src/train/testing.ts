/**
 * Fixtures for tests that train a tiny run (../methods/testing.ts's tinyRun) step by step through the same
 * trainStep the fit loop uses: beforeStep → forward and loss on a tape → backward → afterBackward →
 * optimizer.step → zeroGrad → afterUpdate → tape.dispose.
 */
import type { MethodController } from '../methods/controller.js';
import { type TinyRun, type TinyRunOptions, tinyRun } from '../methods/testing.js';
import { type StepHooks, trainStep } from './trainStep.js';

/**
 * Step `step` of the run (batch step mod 4), through the controller's hooks; `beforeRefresh` runs after the
 * optimizer's update and before the controller's afterUpdate (which may refresh the sets). Returns the loss.
 */
export function runStep(run: TinyRun<MethodController>, step: number, beforeRefresh?: () => void): number {
  const { controller } = run;
  const hooks: StepHooks = {
    beforeStep: (t) => controller.beforeStep(t),
    afterBackward: (t) => controller.afterBackward(t),
    afterUpdate: (t, optimizer) => {
      beforeRefresh?.();
      controller.afterUpdate(t, optimizer);
    },
  };
  const batch = run.batches[step % run.batches.length];
  return trainStep({
    model: run.model,
    optimizer: run.optimizer,
    x: batch.x,
    labels: batch.labels,
    step,
    lr: run.learningRate,
    hooks,
  });
}

/** The losses of a whole fresh run (steps 0..totalSteps−1); the run is disposed. */
export function runLosses(options: TinyRunOptions): number[] {
  const run = tinyRun(options);
  const losses = runSteps(run, 0, options.totalSteps);
  run.dispose();
  return losses;
}

/** Runs steps from..to−1 and returns their losses. */
export function runSteps(run: TinyRun<MethodController>, from: number, to: number): number[] {
  const losses: number[] = [];
  for (let step = from; step < to; step++) losses.push(runStep(run, step));
  return losses;
}
