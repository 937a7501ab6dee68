/**
 * SET, sparse evolutionary training (Mocanu et al. 2018, §2 "Sparse Evolutionary Training"; spec/baselines.md),
 * and the drop-and-grow step it shares with RigL (rigl.ts overrides only the grow score, as in JaxPruner).
 *
 * Start: a uniformly random mask of the layer's density; A = B throughout. Every ΔT updates while t < T_end:
 * in each layer, drop the ⌊f_t·|A|⌋ active weights of smallest |θ|, with the cosine drop fraction
 * f_t = (α/2)·(1 + cos(π·t/T_end)) (schedules.ts; RigL's schedule, which spec/baselines.md uses for both), and
 * grow as many among the entries not active after the drop, by the grow score: for SET, uniformly random
 * (context.random, so the same seed grows the same weights). Grown weights start at θ = 0 with zero optimizer
 * state (enteringValue 'zero'). As in the RigL reference code, a weight just dropped may be chosen again: it
 * then simply stays, with its value and state.
 */
import { mergeAscending } from '../sparse/sortedIndices.js';
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopK } from '../sparse/topk.js';
import { checkFraction, checkInterval } from '../util/checks.js';
import { enteringState, refreshInterval, sparsity } from './commonOptions.js';
import { defineMethod, option, reads } from './definition.js';
import type { EnteringValue, SelectionContext, Sets } from './method.js';
import { kinds } from './optionKinds.js';
import { cosineDropFraction, isMaskUpdateStep, updatesAfter, updatesAt } from './schedules.js';
import { SetBasedMethod } from './setBasedMethod.js';
import { randomSets, uniformScores } from './static.js';

export interface DropAndGrowOptions {
  /** Sparsity of the sparse layers, constant through training (e.g. 0.9). */
  sparsity: number;
  /** ΔT, steps between mask updates; default 100. */
  refreshInterval?: number;
  /** α, the fraction of active weights dropped at the first update, cosine-decayed after; default 0.3. */
  dropFraction?: number;
  /** T_end as a fraction of training: no mask update from then on; default 0.75. */
  updateEnd?: number;
}

/** The drop-and-grow family: SET with random growth; subclasses choose another grow score. */
export class SparseEvolutionaryTraining extends SetBasedMethod {
  readonly name: string = 'set';
  override readonly enteringValue: EnteringValue = 'zero';
  readonly refreshInterval: number;
  readonly dropFraction: number;
  readonly updateEnd: number;

  constructor(options: DropAndGrowOptions) {
    super(options.sparsity);
    this.refreshInterval = options.refreshInterval ?? 100;
    this.dropFraction = options.dropFraction ?? 0.3;
    this.updateEnd = options.updateEnd ?? 0.75;
    checkInterval(this.refreshInterval, 'mask update interval ΔT');
    checkFraction(this.dropFraction, 'drop fraction α');
    checkFraction(this.updateEnd, 'end of mask updates T_end (fraction of training)');
  }

  override get config(): Readonly<Record<string, number>> {
    return {
      sparsity: this.sparsity,
      refreshInterval: this.refreshInterval,
      dropFraction: this.dropFraction,
      updateEnd: this.updateEnd,
    };
  }

  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    return randomSets(theta.length, context);
  }

  override isRefreshStep(step: number, totalSteps: number): boolean {
    return isMaskUpdateStep(updatesAfter(step), this.refreshInterval, updatesAt(this.updateEnd, totalSteps));
  }

  /** f_t after the update of `step`. */
  dropFractionAt(step: number, totalSteps: number): number {
    return cosineDropFraction(updatesAfter(step), this.dropFraction, updatesAt(this.updateEnd, totalSteps));
  }

  /**
   * Drop, then grow: the survivors are the largest |θ| among the active entries, ⌊f_t·|A|⌋ fewer than the
   * budget; the grown entries are the largest grow scores among the rest, as many as the budget lacks.
   */
  override selectSets(weight: SparseWeight, context: SelectionContext): Sets {
    const theta = weight.syncTheta();
    const active = weight.forwardIndices();
    const target = context.budget.forwardCount;
    const base = Math.min(active.length, target);
    const survivorCount = base - Math.floor(this.dropFractionAt(context.step, context.totalSteps) * base);
    const magnitudes = new Float32Array(theta.length).fill(-1);
    for (const flat of active) magnitudes[flat] = Math.abs(theta[flat]);
    const survivors = selectTopK(magnitudes, survivorCount);
    const scores = this.growScores(weight, context);
    for (const flat of survivors) scores[flat] = Number.NEGATIVE_INFINITY;
    const grown = selectTopK(scores, target - survivorCount);
    const kept = mergeAscending(survivors, grown);
    return { forward: kept, backward: kept };
  }

  /** One score per entry (rows·cols); the largest among the non-survivors grow. SET: i.i.d. uniform. */
  protected growScores(weight: SparseWeight, context: SelectionContext): Float32Array | Float64Array {
    return uniformScores(weight.size, context.random);
  }
}

export const dropFraction = option({
  key: 'dropFraction',
  flag: '--drop-fraction <α>',
  help: "SET's and RigL's drop fraction α at the first mask update, cosine-decayed after",
  what: "SET's and RigL's drop fraction",
  ...kinds.fraction,
});

export const updateEnd = option({
  key: 'updateEnd',
  flag: '--update-end <f>',
  help: "SET's and RigL's end of mask updates T_end, fraction of training",
  what: "SET's and RigL's schedule",
  ...kinds.fraction,
});

/** The options SET and RigL read, with their defaults (ΔT 100, α 0.3, T_end 0.75). */
export const dropAndGrowReads = [
  reads(sparsity),
  reads(refreshInterval, { default: 100 }),
  reads(dropFraction, { default: 0.3 }),
  reads(updateEnd, { default: 0.75 }),
  reads(enteringState, { default: 'zero' }),
] as const;

export const setDefinition = defineMethod({
  name: 'set',
  description: 'sparse evolutionary training: drop the smallest |θ|, grow at random',
  kind: 'sets',
  reads: dropAndGrowReads,
  create: (o) => new SparseEvolutionaryTraining(o),
});
