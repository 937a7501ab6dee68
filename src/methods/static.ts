/**
 * Static sparsity (spec/baselines.md): a random mask with the layer's density, drawn once at initialisation
 * from the run's seed, never changed. Backward set = forward set.
 */
import { selectTopK } from '../sparse/topk.js';
import type { Random } from '../util/random.js';
import { sparsity } from './commonOptions.js';
import { defineMethod, reads } from './definition.js';
import type { SelectionContext, Sets } from './method.js';
import { SetBasedMethod } from './setBasedMethod.js';

/** The base's static mask, with random initial sets. */
export class StaticSparse extends SetBasedMethod {
  readonly name = 'static';

  constructor(options: { sparsity: number }) {
    super(options.sparsity);
  }

  initialSets(theta: Float32Array, context: SelectionContext): Sets {
    return randomSets(theta.length, context);
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
