/**
 * Learning-rate schedules: pure functions of the 0-based index of the step about to run, so a resumed run
 * needs only the step count. Use as `optimizer.step(schedule(step))`. Built from the shapes of
 * ../util/schedule.ts.
 */
import { checkPositive, checkPositiveInteger } from '../util/checks.js';
import { constant, cosineDecay, rampProgress, type Schedule } from '../util/schedule.js';

export type LrSchedule = Schedule;

/** lr at every step. */
export function constantLr(lr: number): LrSchedule {
  checkPositive(lr, 'constantLr: lr');
  return checkedSteps(constant(lr));
}

/** lr · γ^⌊step / stepSize⌋: multiply by γ every stepSize steps. */
export function stepLr(options: { lr: number; stepSize: number; gamma: number }): LrSchedule {
  const { lr, stepSize, gamma } = options;
  checkPositive(lr, 'stepLr: lr');
  checkPositiveInteger(stepSize, 'stepLr: stepSize');
  if (!(gamma > 0 && gamma <= 1)) throw new Error(`stepLr: gamma must be in (0, 1], got ${gamma}`);
  return checkedSteps((step) => lr * gamma ** Math.floor(step / stepSize));
}

/**
 * Linear warmup then cosine decay (Loshchilov and Hutter 2017, without restarts):
 * step < W: lr · (step + 1) / W;  after: minLr + (lr − minLr) · ½(1 + cos(π · p)), p = (step − W) / (T − W),
 * clamped to 1, so from step T on the rate stays at minLr.
 */
export function cosineLr(options: {
  lr: number;
  totalSteps: number;
  warmupSteps?: number;
  minLr?: number;
}): LrSchedule {
  const { lr, totalSteps } = options;
  const warmupSteps = options.warmupSteps ?? 0;
  const minLr = options.minLr ?? 0;
  checkPositive(lr, 'cosineLr: lr');
  checkPositiveInteger(totalSteps, 'cosineLr: totalSteps');
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    throw new Error(
      `cosineLr: warmupSteps must be an integer in 0..totalSteps−1 (${totalSteps - 1}), got ${warmupSteps}`,
    );
  }
  if (!(minLr >= 0 && minLr <= lr))
    throw new Error(`cosineLr: minLr must be in [0, lr = ${lr}], got ${minLr}`);
  return checkedSteps((step) => {
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    return minLr + (lr - minLr) * cosineDecay(rampProgress(step, warmupSteps, totalSteps - warmupSteps));
  });
}

/** The schedule, refusing a step that is not a non-negative integer. */
function checkedSteps(schedule: Schedule): LrSchedule {
  return (step) => {
    if (!Number.isInteger(step) || step < 0)
      throw new Error(`schedule: step must be a non-negative integer, got ${step}`);
    return schedule(step);
  };
}
