import { SMALLEST_BUDGET_FRACTION, shiftBracket, solveBudgetShift } from './budgetShift.js';
import { fastExp } from './fastExp.js';
import { hardTopK } from './hardMask.js';
import { sampledShift } from './sampledShift.js';
import { sinkhornSoftTopK } from './sinkhorn.js';
import { type Entries, type SoftTopKProblem, validateProblem } from './softTopKInput.js';

/** 'newton': exact (to 1e-9 of the budget); 'sinkhorn': the reference code's loop, for parity. */
export type SoftTopKMethod = 'newton' | 'sinkhorn';

export interface SoftTopKInput extends SoftTopKProblem {
  method?: SoftTopKMethod;
}

export interface SoftTopKResult {
  /** m_j ∈ [0, 1]. */
  mask: Float64Array;
  /** h_j ∈ {0, 1}: the spec's hard mask (boundary entry included, ties to the lower index). */
  hard: Uint8Array;
  /** μ in m_j = σ(β(u_j − τ) + μ); ±∞ for κ = 1 and κ = 0. */
  mu: number;
  /** Passes that evaluated the budget (Newton) or Sinkhorn iterations; 0 when κ is 0 or 1. */
  iterations: number;
  /** |Σ_j c_j m_j − K| / K (0 when K = 0). */
  budgetError: number;
}

/** q_j of the last call, reused so that repeated calls of one size allocate only their outputs. */
let shiftedScratch = new Float64Array(0);

/**
 * Spartan's soft top-k mask (Tai, Tian, Lim, "Spartan: Differentiable Sparsity via Regularized
 * Transportation", NeurIPS 2022, arXiv:2205.14107, §3.2; spec/spartan.md, "Soft top-k (forward)"):
 *
 *   m_j = σ(β·u_j + μ'),  u_j = v_j / c_j,  with the scalar μ' chosen so that Σ_j c_j m_j = K,
 *
 * the solution of the entropy-regularised transport of the entries' costs into a "kept" bin of capacity K.
 * Alongside comes the hard mask h (hardTopK: the cheapest prefix, by unit value, whose cost reaches K) and its
 * threshold τ = u_{t*}.
 *
 * The returned `mu` is in the spec's shifted convention m_j = σ(β(u_j − τ) + mu), i.e. mu = μ' + βτ, which
 * stays of moderate size when β·u is huge (β up to 1e4, u up to 1e2). κ = K/Σc = 0 gives m = 0 and
 * mu = −∞; κ = 1 gives m = 1 and mu = +∞; neither is solved for.
 *
 * method 'newton' (default): safeguarded Newton on mu (budgetShift.ts) to |Σ c m − K| ≤ 1e-9·K, started from
 * the solution on a sample of the entries (sampledShift.ts). One pass computes q_j = e^{−β(u_j − τ)}; each
 * Newton evaluation is then a multiply-divide pass; three or four suffice (measured, β from 1 to 1e4).
 * method 'sinkhorn': the reference code's log-domain Sinkhorn loop and 1% stopping rule (sinkhorn.ts); the
 * budget is met only roughly, as `budgetError` shows.
 *
 * Cost: O(n) for unit costs (radix select for h); with costs, an expected-O(n) weighted quickselect for h.
 */
export function softTopK(input: SoftTopKInput): SoftTopKResult {
  const { values, costs, budget, beta } = input;
  const method = input.method ?? 'newton';
  if (method !== 'newton' && method !== 'sinkhorn') {
    throw new Error(
      `softTopK: method '${method}' is unknown: use 'newton' (exact) or 'sinkhorn' (reference)`,
    );
  }
  const summary = validateProblem(input, 'softTopK');
  const { totalCost } = summary;
  const n = values.length;
  const { hard, threshold } = hardTopK(values, costs, budget);
  const mask = new Float64Array(n);
  if (budget === 0) return { mask, hard, mu: Number.NEGATIVE_INFINITY, iterations: 0, budgetError: 0 };
  if (budget >= totalCost) {
    mask.fill(1);
    return { mask, hard, mu: Number.POSITIVE_INFINITY, iterations: 0, budgetError: 0 };
  }
  if (budget < SMALLEST_BUDGET_FRACTION * totalCost) {
    throw new Error(
      `softTopK: budget = ${budget} is below ${SMALLEST_BUDGET_FRACTION} of the total cost ${totalCost}, ` +
        'where the soft mask underflows: pass budget 0 for an empty mask',
    );
  }

  const solution =
    method === 'sinkhorn'
      ? sinkhornSoftTopK({ values, costs, budget, beta, threshold }, mask)
      : solveBudgetShift(
          {
            expNegShifted: expNegShifted(values, costs, beta, threshold),
            costs,
            budget,
            ...shiftBracket(
              budget,
              totalCost,
              beta * (summary.maxUnitValue - threshold),
              beta * (summary.minUnitValue - threshold),
            ),
            guess: sampledShift(values, costs, budget / totalCost, beta, threshold),
          },
          mask,
        );
  return {
    mask,
    hard,
    mu: solution.mu,
    iterations: solution.iterations,
    budgetError: Math.abs(solution.keptCost - budget) / budget,
  };
}

/** q_j = e^{−z_j}, z_j = β(u_j − τ), into the reused scratch buffer (a view of length n). */
function expNegShifted(
  values: Entries,
  costs: Entries | undefined,
  beta: number,
  threshold: number,
): Float64Array {
  const n = values.length;
  if (shiftedScratch.length < n) shiftedScratch = new Float64Array(n);
  const q = shiftedScratch.subarray(0, n);
  if (costs === undefined) {
    for (let j = 0; j < n; j++) q[j] = fastExp(beta * (threshold - values[j]));
  } else {
    for (let j = 0; j < n; j++) q[j] = fastExp(beta * (threshold - values[j] / costs[j]));
  }
  return q;
}
