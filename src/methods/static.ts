/**
 * Static sparsity (spec/baselines.md): a random mask with the layer's density, drawn once at initialisation
 * from the run's seed, never changed. Backward set = forward set.
 */
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { selectTopK } from '../sparse/topk.js';
import { checkDensity, type SelectionContext, type Sets, type SparsityMethod } from './method.js';

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

  /** A uniformly random subset of the budgeted size: the top-k of i.i.d. uniform scores. */
  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    const scores = new Float64Array(theta.length);
    for (let i = 0; i < scores.length; i++) scores[i] = context.random.next();
    const kept = selectTopK(scores, context.budget.forwardCount);
    return { forward: kept, backward: kept };
  }

  isRefreshStep(): boolean {
    return false;
  }

  selectSets(weight: SparseWeight): Sets {
    return {
      forward: Int32Array.from(weight.backwardIndices),
      backward: Int32Array.from(weight.backwardIndices),
    };
  }
}
