/**
 * The set-based method contract (../../shared/DESIGN.md, "Sparsity methods"; modelled on JaxPruner and optax):
 * what the set-based controller (setBasedController.ts) asks of Top-KAST and the baselines. The methods share
 * a small base (setBasedMethod.ts) and override one or two of its rules.
 *
 * A method decides, for each sparse weight, the forward set A and the backward set B ⊇ A, when they are
 * refreshed, and optionally an extra gradient term. The axes stay apart:
 * - how much per layer: the controller turns the method's overall densities into per-layer counts through a
 *   distribution (distribution.ts);
 * - when: `isRefreshStep` and the density targets are pure functions of the step;
 * - what to rank and how to select: the method's `selectSets`, using exact top-k (ties to the lower index).
 *
 * Methods keep no hidden mutable state: everything they decide is a function of the step, the weights, the
 * run's seed and their config, so a run's method state is its config plus the step (and the sets, which the
 * SparseWeights hold and checkpoints store).
 */
import type { SparseWeight } from '../sparse/sparseWeight.js';
import type { Random } from '../util/random.js';

/** Flat indices (row·cols + col, strictly ascending) of the forward and backward sets, forward ⊆ backward. */
export interface Sets {
  forward: Int32Array;
  backward: Int32Array;
}

/** How many entries of one weight the sets keep at this point of training. */
export interface LayerBudget {
  forwardCount: number;
  backwardCount: number;
}

/** What a method may read when it selects sets. */
export interface SelectionContext {
  /** The update step just completed (−1 at initialisation). */
  step: number;
  totalSteps: number;
  budget: LayerBudget;
  /** A generator seeded from the run's seed, the layer and the step: same inputs, same draws. */
  random: Random;
}

/** The value an entry takes when it enters the backward set. */
export type EnteringValue = 'theta' | 'zero';

export interface SparsityMethod {
  /** The registry name ('topkast', 'rigl', ...). */
  readonly name: string;
  /** The method's options as plain data (for the run summary and checkpoints). */
  readonly config: Readonly<Record<string, number | string | boolean>>;
  /** Whether the method makes layers sparse at all ('dense' does not). */
  readonly sparse: boolean;
  /**
   * 'theta': an entering entry resumes from its master value θ (Top-KAST, STE, GMP);
   * 'zero': it starts at 0 (SET and RigL grow new connections at zero).
   */
  readonly enteringValue: EnteringValue;
  /** The overall forward density of the sparse layers after `step` updates. */
  forwardDensity(step: number, totalSteps: number): number;
  /** The overall backward density (≥ the forward density) after `step` updates. */
  backwardDensity(step: number, totalSteps: number): number;
  /** The sets of a new weight, from its initial values. */
  initialSets(theta: Float32Array, context: SelectionContext): Sets;
  /** Whether the sets are recomputed after the update of `step` (0-based). */
  isRefreshStep(step: number, totalSteps: number): boolean;
  /**
   * The new sets at a refresh step, from the weight's current state (weight.syncTheta() for θ; the step's
   * weight.denseGradient when the method asked for it with `needsDenseGradient`).
   */
  selectSets(weight: SparseWeight, context: SelectionContext): Sets;
  /**
   * Optional, in place of selectSets + setSets: refreshes the weight's sets itself (e.g. incrementally) to
   * exactly what selectSets would give, and returns how many entries entered the forward set.
   */
  refreshSets?(weight: SparseWeight, context: SelectionContext): number;
  /**
   * Whether the optimizer's weight decay applies to the sparse weights' kept entries (default true). Top-KAST
   * says no: its exploration penalty replaces weight decay on sparse tensors (spec step 4).
   */
  readonly sparseWeightDecay?: boolean;
  /**
   * Whether the method ranks weights by magnitude across the whole weight (Top-KAST, STE, GMP). Only such
   * methods may use the 'global' distribution, one magnitude threshold over every sparse layer
   * (spec/baselines.md); methods with random masks (static, SET, RigL) may not.
   */
  readonly magnitudeRanked?: boolean;
  /**
   * Whether the sets are recomputed after the last step, so that evaluation and export use the top-D of the
   * final θ rather than sets up to N − 1 steps old (Top-KAST spec, step 7).
   */
  readonly refreshAtEnd?: boolean;
  /**
   * The optimizer's step on B \ A relative to its step on A, for every sparse weight (default 1; Top-KAST's
   * explorationScale).
   */
  readonly backwardOnlyUpdateScale?: number;
  /** Adds the method's own gradient term to B's gradients, before the optimizer's update (optional). */
  addGradientTerm?(weight: SparseWeight, forwardDensity: number): void;
  /**
   * Whether the step's backward pass must also produce the dense gradient of each sparse weight (RigL): the
   * controller requests it from every weight before the step and releases it after the refresh.
   */
  needsDenseGradient?(step: number, totalSteps: number): boolean;
}
