import { logSigmoid, sigmoid } from './logistic.js';
import type { Entries } from './softTopKInput.js';

/**
 * The soft top-k as the authors' reference code computes it: a log-domain Sinkhorn loop for the entropy-
 * regularised transport of Tai, Tian, Lim, arXiv:2205.14107, §3.2, with its stopping rule (parity option).
 *
 * The transport: entry j ships mass c_j to two bins, "kept" (capacity K) and "dropped" (capacity Σc − K); a
 * unit shipped to "kept" earns u_j; entropy with weight 1/β regularises. The optimal plan is
 * P_j = (c_j m_j, c_j (1 − m_j)) with m_j = σ(z_j + μ), z_j = β(u_j − τ) (τ, the hard threshold, only shifts
 * the kernel for stability), where μ is the difference of the two bins' log-domain dual variables. So the
 * Sinkhorn answer has the same form m = σ(β(u − τ) + μ) as the Newton solver, only μ is approximate.
 *
 * The reference iteration keeps the "dropped" bin's dual at 0 and alternates an exact row step (each entry's
 * mass is c_j) with a column step for "kept". With the row duals eliminated, one iteration is
 *
 *   μ ← μ + log K − log Σ_j c_j σ(z_j + μ),   the log-sum evaluated as logsumexp_j(log c_j + log σ(z_j + μ)),
 *
 * starting from μ = 0. It stops after the first iteration where the objective Σ_j m_j v_j changes by at most
 * `tolerance` (1%) relative to the previous one, or after `maxIterations` (100). Since the last step is a row
 * step, Σ c_j m_j meets K only roughly; the caller reports the gap as the budget error.
 */
export interface SinkhornOptions {
  maxIterations: number;
  tolerance: number;
}

export const REFERENCE_SINKHORN: SinkhornOptions = { maxIterations: 100, tolerance: 0.01 };

export interface SinkhornProblem {
  values: Entries;
  costs: Entries | undefined;
  budget: number;
  beta: number;
  /** τ, the hard threshold. */
  threshold: number;
}

export interface SinkhornSolution {
  mu: number;
  /** Sinkhorn iterations run (the reference code reports one less: its loop index). */
  iterations: number;
  /** Σ_j c_j m_j at the returned μ. */
  keptCost: number;
}

/** Runs the loop and writes m_j = σ(z_j + μ) at the final μ into `mask`. */
export function sinkhornSoftTopK(
  problem: SinkhornProblem,
  mask: Float64Array,
  options: SinkhornOptions = REFERENCE_SINKHORN,
): SinkhornSolution {
  const { values, costs, budget, beta, threshold } = problem;
  const n = values.length;
  const shifted = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    shifted[j] = beta * ((costs === undefined ? values[j] : values[j] / costs[j]) - threshold);
  }
  const logCosts = costs === undefined ? undefined : Float64Array.from(costs, Math.log);
  const terms = new Float64Array(n);
  const logBudget = Math.log(budget);
  let mu = 0;
  let state = writeMask(shifted, values, costs, mu, mask);
  let iterations = 0;
  while (iterations < options.maxIterations) {
    iterations++;
    mu += logBudget - logKeptCost(shifted, logCosts, mu, terms);
    const previous = state.objective;
    state = writeMask(shifted, values, costs, mu, mask);
    if (Math.abs(state.objective - previous) <= options.tolerance * Math.abs(previous)) break;
  }
  return { mu, iterations, keptCost: state.keptCost };
}

/**
 * log Σ_j c_j σ(z_j + μ) by logsumexp over the terms log c_j + log σ(z_j + μ) (held in `terms`), shifted by the
 * largest, so that no term overflows and they do not all underflow.
 */
function logKeptCost(
  shifted: Float64Array,
  logCosts: Float64Array | undefined,
  mu: number,
  terms: Float64Array,
): number {
  const n = shifted.length;
  let largest = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const term = (logCosts === undefined ? 0 : logCosts[j]) + logSigmoid(shifted[j] + mu);
    terms[j] = term;
    largest = Math.max(largest, term);
  }
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(terms[j] - largest);
  return largest + Math.log(sum);
}

function writeMask(
  shifted: Float64Array,
  values: Entries,
  costs: Entries | undefined,
  mu: number,
  mask: Float64Array,
): { objective: number; keptCost: number } {
  let objective = 0;
  let keptCost = 0;
  for (let j = 0; j < shifted.length; j++) {
    const m = sigmoid(shifted[j] + mu);
    mask[j] = m;
    objective += m * values[j];
    keptCost += costs === undefined ? m : costs[j] * m;
  }
  return { objective, keptCost };
}
