/**
 * How much Spartan keeps where (spec/spartan.md, "Budget across layers").
 *
 * Whole-model target: with P_total parameters in the model (biases and dense layers counted) and P_masked in
 * the masked tensors, keeping κ_adj = 1 − (1 − κ)·P_total / P_masked of the masked tensors leaves the whole
 * model at density κ. A target that gives κ_adj ≤ 0 cannot be met by the masked tensors alone.
 *
 * Across tensors: "global" solves one soft top-k over every masked entry with the budget κ·Σc; "uniform" one
 * per tensor with κ each; "erk" one per tensor with the Erdős–Rényi-kernel density of that tensor (capped at
 * 1, the excess redistributed: distribution.ts's erkDensities).
 */
import type { DistributionName, TensorShape } from './distribution.js';
import { erkDensities } from './distribution.js';

/** "sparsity": an entry costs its weight count; "flops": times the layer's uses per example (conv: Hout·Wout). */
export type CostModel = 'sparsity' | 'flops';
export const costModels: readonly CostModel[] = ['sparsity', 'flops'];

/**
 * "model" (the spec's whole-model target): the masked layers' κ is lowered so that the whole model, biases and
 * dense layers counted, reaches the target sparsity. "masked": the target applies to the masked layers alone
 * (as Top-KAST's and the baselines' --sparsity does), for comparisons at equal kept counts.
 */
export type BudgetScope = 'model' | 'masked';
export const budgetScopes: readonly BudgetScope[] = ['model', 'masked'];

/** κ of the masked tensors for a target sparsity over the `scope`. */
export function maskedDensity(
  sparsity: number,
  scope: BudgetScope,
  totalParameters: number,
  maskedParameters: number,
): number {
  if (scope === 'masked') return 1 - sparsity;
  const density = 1 - (sparsity * totalParameters) / maskedParameters;
  if (density <= 0) {
    throw new Error(
      `spartan: a whole-model sparsity of ${sparsity} needs the masked layers (${maskedParameters} of ${totalParameters} parameters) ` +
        `at a kept fraction of ${density.toFixed(4)} ≤ 0: lower --sparsity, mask more layers (--dense-layers none), or use --budget-scope masked`,
    );
  }
  return density;
}

/** Per-tensor κ for 'uniform' and 'erk'; null for 'global' (one budget over every tensor). */
export function tensorDensities(
  distribution: DistributionName,
  shapes: readonly TensorShape[],
  density: number,
): number[] | null {
  switch (distribution) {
    case 'global':
      return null;
    case 'uniform':
      return shapes.map(() => density);
    case 'erk':
      return erkDensities(shapes, density);
  }
}
