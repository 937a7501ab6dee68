/**
 * Static sparsity (spec/baselines.md): a random mask with the layer's density, drawn once at initialisation
 * from the run's seed, never changed. Backward set = forward set.
 */
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopK } from '../sparse/topk.js';
import { checkDensity } from '../util/checks.js';
import type { Random } from '../util/random.js';
import { sparsity } from './commonOptions.js';
import { defineMethod, reads } from './definition.js';
import type { SelectionContext, Sets, SparsityMethod } from './method.js';

export class StaticSparse implements SparsityMethod {
  readonly name = 'static';
  readonly sparse = true;
  readonly enteringValue = 'theta';
  readonly sparsity: number;

  constructor(options: { sparsity: number }) {
    checkDensity(1 - options.sparsity, 'density (1 − sparsity)');
    this.sparsity = options.sparsity;
  }

  get config(): Readonly<Record<string, number>> {
    return { sparsity: this.sparsity };
  }

  forwardDensity(): number {
    return 1 - this.sparsity;
  }

  backwardDensity(): number {
    return 1 - this.sparsity;
  }

  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    return randomSets(theta.length, context);
  }

  isRefreshStep(): boolean {
    return false;
  }

  selectSets(weight: SparseWeight): Sets {
    return {
      forward: weight.forwardIndices().slice(),
      backward: weight.backwardIndices().slice(),
    };
  }
}

/** A = B = a uniformly random subset of the budgeted size: the top-k of i.i.d. uniform scores. */
export function randomSets(size: number, context: SelectionContext): Sets {
  const kept = selectTopK(uniformScores(size, context.random), context.budget.forwardCount);
  return { forward: kept, backward: kept };
}

/** `size` i.i.d. uniform scores in [0, 1). */
export function uniformScores(size: number, random: Random): Float64Array {
  const scores = new Float64Array(size);
  for (let i = 0; i < size; i++) scores[i] = random.next();
  return scores;
}

export const staticDefinition = defineMethod({
  name: 'static',
  description: 'a random mask drawn once from the seed, never changed',
  kind: 'sets',
  reads: [reads(sparsity)],
  create: (o) => new StaticSparse({ sparsity: o.sparsity }),
});
