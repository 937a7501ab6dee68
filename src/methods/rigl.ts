/**
 * RigL, "Rigging the Lottery" (Evci et al. 2020, §3; spec/baselines.md): SET (set.ts) with a different grow
 * score. At each mask update, the entries grown are the inactive ones with the largest |dL/dW| of that step's
 * batch: the dense gradient, which the step computes only on update steps (needsDenseGradient), so the other
 * steps stay sparse. Same cosine drop schedule (α = 0.3, ΔT = 100, T_end = 75% of training by default); grown
 * weights start at 0 with zero optimizer state.
 */
import type { SparseWeight } from '../sparse/sparseWeight.js';
import { defineMethod } from './definition.js';
import type { SelectionContext } from './method.js';
import { dropAndGrowReads, SparseEvolutionaryTraining } from './set.js';

export class RigL extends SparseEvolutionaryTraining {
  override readonly name: string = 'rigl';

  /** The dense gradient is computed on mask-update steps only. */
  needsDenseGradient(step: number, totalSteps: number): boolean {
    return this.isRefreshStep(step, totalSteps);
  }

  /** |dL/dW| at every entry, from the step's dense gradient (the weight holds it on update steps). */
  protected override growScores(weight: SparseWeight, context: SelectionContext): Float32Array {
    const gradient = weight.denseGradient;
    if (!gradient) {
      throw new Error(
        `rigl: layer ${weight.name} has no dense gradient at step ${context.step}: call the controller's beforeStep(step) before the step's forward pass`,
      );
    }
    const scores = new Float32Array(gradient.length);
    for (let i = 0; i < scores.length; i++) scores[i] = Math.abs(gradient[i]);
    return scores;
  }
}

export const riglDefinition = defineMethod({
  name: 'rigl',
  description: 'RigL: drop the smallest |θ|, grow where the dense gradient is largest',
  kind: 'sets',
  reads: dropAndGrowReads,
  create: (o) => new RigL(o),
});
