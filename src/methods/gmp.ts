/**
 * Gradual magnitude pruning (Zhu and Gupta 2017, "To prune, or not to prune", §3; spec/baselines.md).
 *
 * Dense start: A = B = every entry. At the pruning steps t0, t0 + Δt, …, t0 + nΔt the target sparsity is
 * s_t = s_f + (s_i − s_f)·(1 − (t − t0)/(nΔt))³ (schedules.ts, gmpSparsity), and each layer removes the
 * smallest-magnitude weights among those still active to reach its count. Removed weights stay removed
 * (they are never ranked again); backward set = forward set. It is not sparse in training at the start, and
 * the controller counts its FLOPs from the real counts, so its training cost is reported honestly.
 */
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopK, selectTopKByMagnitude } from '../sparse/topk.js';
import { checkFraction, checkInterval } from '../util/checks.js';
import { refreshInterval, sparsity } from './commonOptions.js';
import { defineMethod, option, reads } from './definition.js';
import type { SelectionContext, Sets } from './method.js';
import { kinds } from './optionKinds.js';
import { gmpSparsity, isPruningStep, type PruningSchedule, updatesAfter, updatesAt } from './schedules.js';
import { SetBasedMethod } from './setBasedMethod.js';

export interface GmpOptions {
  /** s_f, the final sparsity (e.g. 0.9). */
  sparsity: number;
  /** s_i, the sparsity of the first pruning step; default 0. */
  initialSparsity?: number;
  /** t0 as a fraction of training; default 0.1. */
  pruningStart?: number;
  /** The end of pruning as a fraction of training; default 0.6. */
  pruningEnd?: number;
  /** Δt, steps between pruning steps; default 100. */
  refreshInterval?: number;
}

export class GradualMagnitudePruning extends SetBasedMethod {
  readonly name = 'gmp';
  readonly magnitudeRanked = true;
  readonly initialSparsity: number;
  readonly pruningStart: number;
  readonly pruningEnd: number;
  readonly refreshInterval: number;

  constructor(options: GmpOptions) {
    super(options.sparsity, 'gmp: final density (1 − sparsity)');
    this.initialSparsity = options.initialSparsity ?? 0;
    this.pruningStart = options.pruningStart ?? 0.1;
    this.pruningEnd = options.pruningEnd ?? 0.6;
    this.refreshInterval = options.refreshInterval ?? 100;
    checkFraction(this.initialSparsity, 'gmp: initial sparsity s_i');
    if (this.initialSparsity > this.sparsity) {
      throw new Error(
        `gmp: initial sparsity ${this.initialSparsity} is above the final sparsity ${this.sparsity}: pruning only removes weights, so use an initial sparsity ≤ the final one`,
      );
    }
    checkFraction(this.pruningStart, 'gmp: pruning start (fraction of training)');
    checkFraction(this.pruningEnd, 'gmp: pruning end (fraction of training)');
    if (this.pruningEnd < this.pruningStart) {
      throw new Error(
        `gmp: pruning ends (${this.pruningEnd}) before it starts (${this.pruningStart}): use pruningStart ≤ pruningEnd`,
      );
    }
    checkInterval(this.refreshInterval, 'gmp: pruning interval Δt');
  }

  override get config(): Readonly<Record<string, number>> {
    return {
      sparsity: this.sparsity,
      initialSparsity: this.initialSparsity,
      pruningStart: this.pruningStart,
      pruningEnd: this.pruningEnd,
      refreshInterval: this.refreshInterval,
    };
  }

  /** The schedule in updates for a run of `totalSteps` steps. */
  schedule(totalSteps: number): PruningSchedule {
    return {
      initialSparsity: this.initialSparsity,
      finalSparsity: this.sparsity,
      start: updatesAt(this.pruningStart, totalSteps),
      end: updatesAt(this.pruningEnd, totalSteps),
      interval: this.refreshInterval,
    };
  }

  override forwardDensity(step: number, totalSteps: number): number {
    return 1 - gmpSparsity(updatesAfter(step), this.schedule(totalSteps));
  }

  /** Every entry at a dense start (or the top-(1 − s_i) of |θ| when pruning starts at step 0). */
  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    const kept = selectTopKByMagnitude(theta, context.budget.forwardCount);
    return { forward: kept, backward: kept };
  }

  override isRefreshStep(step: number, totalSteps: number): boolean {
    return isPruningStep(updatesAfter(step), this.schedule(totalSteps));
  }

  /** The budgeted count of largest |θ| among the active entries (A = B); inactive entries never return. */
  override selectSets(weight: SparseWeight, context: SelectionContext): Sets {
    const theta = weight.syncTheta();
    const active = weight.backwardIndices();
    const count = context.budget.forwardCount;
    if (count > active.length) {
      throw new Error(
        `gmp: layer ${weight.name} is asked to keep ${count} weights but only ${active.length} are still active, and pruned weights stay pruned; use --distribution uniform or erk with gmp`,
      );
    }
    const scores = new Float32Array(theta.length).fill(-1);
    for (const flat of active) scores[flat] = Math.abs(theta[flat]);
    const kept = selectTopK(scores, count);
    return { forward: kept, backward: kept };
  }
}

export const initialSparsity = option({
  key: 'initialSparsity',
  flag: '--initial-sparsity <s>',
  help: "GMP's starting sparsity s_i",
  what: "GMP's starting sparsity",
  ...kinds.sparsity,
});

export const pruningStart = option({
  key: 'pruningStart',
  flag: '--pruning-start <f>',
  help: "GMP's first pruning step, fraction of training",
  what: "GMP's schedule",
  ...kinds.fraction,
});

export const pruningEnd = option({
  key: 'pruningEnd',
  flag: '--pruning-end <f>',
  help: "GMP's last pruning step, fraction of training",
  what: "GMP's schedule",
  ...kinds.fraction,
});

export const gmpDefinition = defineMethod({
  name: 'gmp',
  description: 'gradual magnitude pruning: dense start, cubic schedule to the final sparsity',
  kind: 'sets',
  reads: [
    reads(sparsity),
    reads(initialSparsity, { default: 0 }),
    reads(pruningStart, { default: 0.1 }),
    reads(pruningEnd, { default: 0.6 }),
    reads(refreshInterval, { default: 100 }),
  ],
  create: (o) => new GradualMagnitudePruning(o),
});
