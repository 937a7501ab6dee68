/**
 * When sparsity methods act, as pure functions of the step (../../shared/DESIGN.md: "schedules are pure
 * functions of the step"), so a resumed run needs only its step count.
 *
 * Convention: `t` counts the updates completed. After the update of the 0-based step `step`, t = step + 1;
 * at initialisation (step −1), t = 0. Schedules given as fractions of training resolve to whole updates by
 * rounding fraction·totalSteps. The shapes (cubic, cosine, periodic) are ../util/schedule.ts's.
 */
import { cosineDecay, cubicDecay, isPeriodic } from '../util/schedule.js';

/** Updates completed after the 0-based step `step` (−1, initialisation, gives 0). */
export function updatesAfter(step: number): number {
  return step + 1;
}

/** round(fraction·totalSteps): a point of training given as a fraction of it, in updates. */
export function updatesAt(fraction: number, totalSteps: number): number {
  return Math.round(fraction * totalSteps);
}

/** Gradual magnitude pruning's schedule (Zhu and Gupta 2017, §3), in updates. */
export interface PruningSchedule {
  /** s_i, the sparsity of the first pruning step. */
  initialSparsity: number;
  /** s_f, reached at the last pruning step and kept afterwards. */
  finalSparsity: number;
  /** t0, the update of the first pruning step. */
  start: number;
  /** The last pruning step is the last t0 + kΔt not after `end`. */
  end: number;
  /** Δt, updates between pruning steps. */
  interval: number;
}

/** n, the number of intervals between the first and the last pruning step: ⌊(end − t0)/Δt⌋. */
export function pruningIntervals(schedule: PruningSchedule): number {
  return Math.max(0, Math.floor((schedule.end - schedule.start) / schedule.interval));
}

/** Whether GMP prunes after t updates: t ∈ {t0, t0 + Δt, …, t0 + nΔt}. */
export function isPruningStep(t: number, schedule: PruningSchedule): boolean {
  const { start, interval } = schedule;
  return isPeriodic(t, interval, start) && (t - start) / interval <= pruningIntervals(schedule);
}

/**
 * GMP's target sparsity after t updates: 0 before t0 (dense start); at and after a pruning step t_k = t0 + kΔt,
 * s = s_f + (s_i − s_f)·(1 − kΔt/(nΔt))³, held until the next pruning step, s_f from t0 + nΔt on. With n = 0
 * (the pruning window shorter than Δt) the single pruning step at t0 goes straight to s_f.
 */
export function gmpSparsity(t: number, schedule: PruningSchedule): number {
  const { initialSparsity, finalSparsity, start, interval } = schedule;
  if (t < start) return 0;
  const n = pruningIntervals(schedule);
  if (n === 0) return finalSparsity;
  const k = Math.min(n, Math.floor((t - start) / interval));
  return finalSparsity + (initialSparsity - finalSparsity) * cubicDecay(k / n);
}

/**
 * SET's and RigL's drop fraction after t updates, the cosine decay of RigL (Evci et al. 2020, §3, "Update
 * schedule"): f_t = (α/2)·(1 + cos(π·t/T_end)); α at t = 0, 0 at T_end.
 */
export function cosineDropFraction(t: number, alpha: number, endUpdate: number): number {
  return alpha * cosineDecay(t, endUpdate);
}

/** Whether the sets are refreshed after the 0-based step `step`: after every `interval` updates (Top-KAST). */
export function isRefreshPeriod(step: number, interval: number): boolean {
  return isPeriodic(updatesAfter(step), interval);
}

/** Whether a mask update falls after t updates: every ΔT updates, while t < T_end (SET, RigL). */
export function isMaskUpdateStep(t: number, interval: number, endUpdate: number): boolean {
  return t > 0 && t < endUpdate && isPeriodic(t, interval);
}
