/**
 * Spartan's schedules over T training steps (spec/spartan.md, "Schedule"; Tai, Tian, Lim, arXiv:2205.14107,
 * §3.4 and appendix):
 *
 *   κ(t) = 1 + (κ_target − 1)·r(t / (w·T))          kept fraction, from 1 (dense) to the target, w = 0.2
 *   β(t) = β_init + (β_final − β_init)·r(t / (f·T)) sharpness, β_final = β_target·√(b_out·b_in), f = 0.8
 *
 * with r(p) = min(p, 1) ("linear") or (1 − cos(π·min(p, 1)))/2 ("cosine"), the ramps of ../util/schedule.ts.
 * Step t is 0-based: the masks of step 0 are those of κ = 1. At step ⌊f·T⌋ the masks freeze (m ← m ⊙ h); the layers become ordinary sparse
 * layers after the last step.
 */
import { type RampShape, ramp, rampProgress, rampShapes } from '../util/schedule.js';

export type AnnealShape = RampShape;

export const annealShapes: readonly AnnealShape[] = rampShapes;

export interface SpartanScheduleOptions {
  readonly betaInit: number;
  /** β_target before the block scaling. */
  readonly betaTarget: number;
  readonly anneal: AnnealShape;
  /** w: κ reaches its target after this fraction of training. */
  readonly warmup: number;
  /** f: β reaches its final value, and the masks freeze, at this fraction of training. */
  readonly freeze: number;
  readonly totalSteps: number;
}

export class SpartanSchedule {
  readonly options: SpartanScheduleOptions;
  /** The first step whose masks are frozen, ⌊f·T⌋. */
  readonly freezeStep: number;

  constructor(options: SpartanScheduleOptions) {
    this.options = options;
    this.freezeStep = Math.floor(options.freeze * options.totalSteps);
  }

  /** κ(t) of a tensor (or a global budget) whose kept fraction at the end of the warmup is `target`. */
  kappa(step: number, target: number): number {
    const { warmup, totalSteps } = this.options;
    return 1 + (target - 1) * this.ramp(step, warmup * totalSteps);
  }

  /** β(t) for blocks of `blockSize` weights: the target is scaled by √blockSize. */
  beta(step: number, blockSize: number): number {
    const { betaInit, betaTarget, freeze, totalSteps } = this.options;
    return betaInit + (betaTarget * Math.sqrt(blockSize) - betaInit) * this.ramp(step, freeze * totalSteps);
  }

  private ramp(step: number, length: number): number {
    return ramp(this.options.anneal, rampProgress(step, 0, length));
  }
}
