/**
 * The shapes every schedule is built from, as pure functions of the step or of the fraction of a ramp done
 * (../../shared/DESIGN.md: "schedules are pure functions of the step"), so a resumed run needs only its step
 * count. Learning rates (src/optim/schedules.ts), sparsity schedules (src/methods/schedules.ts: GMP's cubic,
 * SET's and RigL's cosine drop fraction, periodic refreshes) and Spartan's ramps (src/spartan/schedule.ts)
 * use them.
 *
 * Each shape fixes its floating-point order (which operand is rounded first), so every caller gets the same
 * bits as the formula it documents.
 */

/** A value as a pure function of the 0-based step. */
export type Schedule = (step: number) => number;

/** The same value at every step. */
export function constant(value: number): Schedule {
  return () => value;
}

/**
 * The fraction of a ramp of `length` steps starting at `start` that is done at `step`:
 * min(max(step − start, 0) / length, 1), and 1 when the ramp is empty (length ≤ 0).
 */
export function rampProgress(step: number, start: number, length: number): number {
  return length <= 0 ? 1 : Math.min(Math.max(step - start, 0) / length, 1);
}

/** How a ramp moves from 0 to 1 as its progress p goes from 0 to 1. */
export type RampShape = 'linear' | 'cosine';

export const rampShapes: readonly RampShape[] = ['linear', 'cosine'];

/** r(p) = p ('linear') or (1 − cos(π·p))/2 ('cosine'), p in [0, 1]. */
export function ramp(shape: RampShape, progress: number): number {
  return shape === 'cosine' ? cosineRise(progress) : progress;
}

/** (1 − cos(π·p))/2: 0 at p = 0, 1 at p = 1, flat at both ends. */
export function cosineRise(progress: number): number {
  return (1 - Math.cos(Math.PI * progress)) / 2;
}

/**
 * ½(1 + cos(π·done/length)), the angle computed as (π·done)/length: 1 at done = 0, 0 at done = length
 * (Loshchilov and Hutter's cosine decay; RigL's drop fraction). With the default length 1, `done` is the
 * fraction of the decay done.
 */
export function cosineDecay(done: number, length = 1): number {
  return 0.5 * (1 + Math.cos((Math.PI * done) / length));
}

/** (1 − p)³: 1 at p = 0, 0 at p = 1, steep at first (Zhu and Gupta's gradual pruning, §3). */
export function cubicDecay(progress: number): number {
  return (1 - progress) ** 3;
}

/** Whether t falls on a period: t ∈ {start, start + interval, start + 2·interval, …}. */
export function isPeriodic(t: number, interval: number, start = 0): boolean {
  return t >= start && (t - start) % interval === 0;
}
