import type { Entries } from './softTopKInput.js';

/**
 * The scalar μ of the soft top-k (spec/spartan.md, "Soft top-k (forward)"; Tai, Tian, Lim, arXiv:2205.14107,
 * §3.2): with shifted values z_j = β(u_j − τ),
 *
 *   f(μ) = Σ_j c_j σ(z_j + μ) − K = 0,   f'(μ) = Σ_j c_j m_j (1 − m_j) > 0,
 *
 * so the root is unique. Each evaluation works on q_j = e^{−z_j}, computed once by the caller, so a pass costs
 * a multiply and a divide per entry and no exponential: m_j = 1 / (1 + q_j·e^{−μ}). IEEE overflow of q_j to
 * +∞ (z_j < −709) or underflow to 0 (z_j > 745) gives m_j = 0 or 1, which is exact to double precision as long
 * as |μ| ≤ SHIFT_LIMIT (then |z_j + μ| > 59). The root lies in that range whenever K ≥ SMALLEST_BUDGET_FRACTION·Σc.
 *
 * Safeguarded Newton (the rtsafe scheme of Numerical Recipes §9.4): every evaluation narrows a bracket
 * [lo, hi] with f(lo) ≤ 0 ≤ f(hi); a Newton step that leaves the bracket, or does not at least halve the step
 * before last, is replaced by bisection. The initial bracket comes from the extremes of z (shiftBracket).
 *
 * It stops once |f| ≤ 1e-12·K, or once |f| ≤ 1e-9·K (the contract) and the last step no longer halved |f|
 * (summation rounding of a large problem sets a floor), or when the bracket has collapsed.
 */

/** |μ| is kept at most this, so that q_j·e^{−μ} is never 0·∞. */
export const SHIFT_LIMIT = 650;

/** Below K = this·Σc the root may lie under −SHIFT_LIMIT: the soft mask would underflow. */
export const SMALLEST_BUDGET_FRACTION = 1e-250;

const TARGET_TOLERANCE = 1e-12;
const CONTRACT_TOLERANCE = 1e-9;
const MAX_EVALUATIONS = 200;

export interface BudgetShiftProblem {
  /** q_j = e^{−z_j}; may hold 0 and +∞. */
  expNegShifted: Float64Array;
  /** c_j, or undefined for unit costs. */
  costs: Entries | undefined;
  budget: number;
  /** Bracket of the root, within [−SHIFT_LIMIT, SHIFT_LIMIT]. */
  lo: number;
  hi: number;
  /** First μ to evaluate (clamped into the bracket). */
  guess: number;
}

export interface BudgetShiftSolution {
  mu: number;
  /** Passes over the entries (evaluations of f). */
  iterations: number;
  /** Σ_j c_j m_j at the returned μ. */
  keptCost: number;
}

/**
 * The initial bracket: f(μ) = Σ c σ(z + μ) − K is ≤ 0 at logit κ − z_max (every m_j ≤ κ) and ≥ 0 at
 * logit κ − z_min (every m_j ≥ κ), κ = K/Σc; intersected with [−SHIFT_LIMIT, SHIFT_LIMIT]. Needs 0 < K < Σc.
 */
export function shiftBracket(
  budget: number,
  totalCost: number,
  maxShifted: number,
  minShifted: number,
): { lo: number; hi: number } {
  const logitKept = Math.log(budget) - Math.log(totalCost - budget);
  return {
    lo: Math.max(-SHIFT_LIMIT, logitKept - maxShifted),
    hi: Math.min(SHIFT_LIMIT, logitKept - minShifted),
  };
}

/** Solves for μ and writes m_j = σ(z_j + μ) at the returned μ into `mask`. */
export function solveBudgetShift(problem: BudgetShiftProblem, mask: Float64Array): BudgetShiftSolution {
  const { expNegShifted, costs, budget } = problem;
  let { lo, hi } = problem;
  let mu = Math.min(hi, Math.max(lo, problem.guess));
  let lastStep = hi - lo;
  let stepBeforeLast = lastStep;
  let previousError = Number.POSITIVE_INFINITY;
  for (let iterations = 1; ; iterations++) {
    const { kept, slope } = evaluate(expNegShifted, costs, mu, mask);
    const excess = kept - budget;
    const error = Math.abs(excess);
    const settled =
      error <= TARGET_TOLERANCE * budget ||
      (error <= CONTRACT_TOLERANCE * budget && error > previousError / 2) ||
      iterations === MAX_EVALUATIONS;
    if (settled) return { mu, iterations, keptCost: kept };
    previousError = error;
    if (excess < 0) lo = mu;
    else hi = mu;

    const step = excess / slope;
    let next = mu - step;
    if (!(next > lo && next < hi) || Math.abs(step) > Math.abs(stepBeforeLast) / 2) next = lo + (hi - lo) / 2;
    if (next === mu) return { mu, iterations, keptCost: kept };
    stepBeforeLast = lastStep;
    lastStep = mu - next;
    mu = next;
  }
}

/** One pass: writes m_j at μ and returns Σ c_j m_j and Σ c_j m_j (1 − m_j). */
function evaluate(
  q: Float64Array,
  costs: Entries | undefined,
  mu: number,
  mask: Float64Array,
): { kept: number; slope: number } {
  const scale = Math.exp(-mu);
  const n = q.length;
  let kept = 0;
  let slope = 0;
  if (costs === undefined) {
    for (let j = 0; j < n; j++) {
      const m = 1 / (1 + q[j] * scale);
      mask[j] = m;
      kept += m;
      slope += m - m * m;
    }
  } else {
    for (let j = 0; j < n; j++) {
      const m = 1 / (1 + q[j] * scale);
      const c = costs[j];
      mask[j] = m;
      kept += c * m;
      slope += c * (m - m * m);
    }
  }
  return { kept, slope };
}
