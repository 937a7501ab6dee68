/**
 * Straight-through magnitude masking, also called dual averaging (spec/baselines.md; Top-KAST §2 names it as
 * the M = 1 − D end of its family): the forward pass uses the top-D of |θ|, recomputed at every refresh, and
 * the gradient reaches every entry of θ (a dense backward at the sparse point), with no penalty.
 *
 * It is exactly Top-KAST with backward density 1 (M = 1 − D) and λ = 0, so it is that class with those
 * settings, except for weight decay: with no penalty to replace it, the optimizer's weight decay applies to
 * the sparse weights as it does for the other baselines (static, GMP, SET, RigL), so `compare` puts them on
 * equal terms. The refresh interval defaults to 1: the straight-through estimator masks the current θ at
 * every step, so weights that grow past the threshold enter the forward pass at once.
 */
import { refreshInterval, sparsity } from './commonOptions.js';
import { defineMethod, reads } from './definition.js';
import { TopKast } from './topkast.js';

export interface SteOptions {
  /** Forward sparsity S = 1 − D (e.g. 0.9). */
  sparsity: number;
  /** Steps between recomputations of the forward mask; default 1 (every step). */
  refreshInterval?: number;
}

export class StraightThrough extends TopKast {
  override readonly name: string = 'ste';
  override readonly sparseWeightDecay: boolean = true;

  constructor(options: SteOptions) {
    super({
      forwardSparsity: options.sparsity,
      backwardSparsity: 0,
      refreshInterval: options.refreshInterval ?? 1,
      penalty: 0,
    });
  }

  override get config(): Readonly<Record<string, number>> {
    return { sparsity: this.sparsity, refreshInterval: this.refreshInterval };
  }
}

export const steDefinition = defineMethod({
  name: 'ste',
  description: 'straight-through magnitude masking: top-k of |θ| forward, a dense backward',
  kind: 'sets',
  reads: [reads(sparsity), reads(refreshInterval, { default: 1 })],
  create: (o) => new StraightThrough(o),
});
