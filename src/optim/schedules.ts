/**
 * Learning-rate schedules: pure functions of the 0-based index of the step about to run, so a resumed run
 * needs only the step count. Use as `optimizer.step(schedule(step))`.
 */
export type LrSchedule = (step: number) => number;

/** lr at every step. */
export function constantLr(lr: number): LrSchedule {
  requireRate('constantLr: lr', lr);
  return (step) => {
    checkStep(step);
    return lr;
  };
}

/** lr · γ^⌊step / stepSize⌋: multiply by γ every stepSize steps. */
export function stepLr(options: { lr: number; stepSize: number; gamma: number }): LrSchedule {
  const { lr, stepSize, gamma } = options;
  requireRate('stepLr: lr', lr);
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new Error(`stepLr: stepSize must be a positive integer, got ${stepSize}`);
  if (!(gamma > 0 && gamma <= 1)) throw new Error(`stepLr: gamma must be in (0, 1], got ${gamma}`);
  return (step) => lr * gamma ** Math.floor(checkStep(step) / stepSize);
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
  requireRate('cosineLr: lr', lr);
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new Error(`cosineLr: totalSteps must be a positive integer, got ${totalSteps}`);
  }
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps >= totalSteps) {
    throw new Error(
      `cosineLr: warmupSteps must be an integer in 0..totalSteps−1 (${totalSteps - 1}), got ${warmupSteps}`,
    );
  }
  if (!(minLr >= 0 && minLr <= lr))
    throw new Error(`cosineLr: minLr must be in [0, lr = ${lr}], got ${minLr}`);
  return (step) => {
    checkStep(step);
    if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
    const progress = Math.min(1, (step - warmupSteps) / (totalSteps - warmupSteps));
    return minLr + (lr - minLr) * 0.5 * (1 + Math.cos(Math.PI * progress));
  };
}

function requireRate(what: string, lr: number): void {
  if (!Number.isFinite(lr) || lr <= 0) throw new Error(`${what} must be a finite number > 0, got ${lr}`);
}

function checkStep(step: number): number {
  if (!Number.isInteger(step) || step < 0)
    throw new Error(`schedule: step must be a non-negative integer, got ${step}`);
  return step;
}
