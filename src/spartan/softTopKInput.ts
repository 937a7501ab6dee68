/**
 * The arguments shared by the soft top-k forward and backward passes, and their validation.
 *
 * An entry j has a value v_j ≥ 0 (Σ|w| over its block) and a cost c_j > 0 (by default 1); its unit value is
 * u_j = v_j / c_j. The budget K is the cost to keep, 0 ≤ K ≤ Σ_j c_j, and β > 0 the sharpness
 * (Tai, Tian, Lim, "Spartan", NeurIPS 2022, arXiv:2205.14107, §3; spec/spartan.md, "Units").
 */

export type Entries = Float32Array | Float64Array;

export interface SoftTopKProblem {
  /** v_j ≥ 0 and finite, one per entry. */
  values: Entries;
  /** c_j > 0 and finite, one per entry; every cost is 1 when omitted. */
  costs?: Entries;
  /** K, the cost kept: 0 ≤ K ≤ Σ_j c_j. */
  budget: number;
  /** β > 0 and finite: m_j = σ(β·u_j + μ) approaches the hard top-k as β grows. */
  beta: number;
}

/** Facts about a valid problem that the solvers need. */
export interface ProblemSummary {
  /** Σ_j c_j, summed in float64. */
  totalCost: number;
  /** The largest and smallest unit value u_j (both 0 for an empty problem). */
  maxUnitValue: number;
  minUnitValue: number;
}

/**
 * A budget above Σc by at most this relative amount counts as Σc: a caller that computes K = κ·Σc with another
 * summation order may land a few ulps above our sum.
 */
const BUDGET_ROUNDING_SLACK = 1e-12;

/**
 * Checks every argument and returns the totals, throwing an error that names the bad argument and the fix.
 * One pass over the values (and two over the costs); the loops only track extremes, NaN included (Math.min and
 * Math.max propagate it), and a second scan names the offending entry.
 */
export function validateProblem(problem: SoftTopKProblem, caller: string): ProblemSummary {
  const { values, costs, budget, beta } = problem;
  if (!(values instanceof Float32Array || values instanceof Float64Array)) {
    throw new Error(`${caller}: values must be a Float32Array or Float64Array`);
  }
  if (!(beta > 0 && beta < Number.POSITIVE_INFINITY)) {
    throw new Error(`${caller}: beta = ${beta} must be a finite number > 0 (the sharpness of the soft mask)`);
  }
  const n = values.length;
  if (costs !== undefined && !(costs instanceof Float32Array || costs instanceof Float64Array)) {
    throw new Error(`${caller}: costs must be a Float32Array or Float64Array, or omitted for unit costs`);
  }
  if (costs !== undefined && costs.length !== n) {
    throw new Error(
      `${caller}: costs has ${costs.length} entries but values has ${n}: give one cost per value`,
    );
  }
  const totalCost = costs === undefined ? n : checkedTotalCost(costs, caller);
  if (!(budget >= 0 && budget <= totalCost * (1 + BUDGET_ROUNDING_SLACK))) {
    throw new Error(
      `${caller}: budget = ${budget} is outside [0, ${totalCost}] (the total cost): ` +
        'give the cost to keep, κ·Σ costs with κ in [0, 1]',
    );
  }
  const [minValue, maxValue] = extremes(values);
  if (!(minValue >= 0 && maxValue < Number.POSITIVE_INFINITY)) {
    const j = values.findIndex((v) => !(v >= 0 && v < Number.POSITIVE_INFINITY));
    throw new Error(
      `${caller}: value ${j} is ${values[j]}: values must be finite and ≥ 0 (Σ|w| over a block; check for NaN weights)`,
    );
  }
  if (costs === undefined) return { totalCost, maxUnitValue: maxValue, minUnitValue: minValue };
  let maxUnitValue = n === 0 ? 0 : Number.NEGATIVE_INFINITY;
  let minUnitValue = n === 0 ? 0 : Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    const u = values[j] / costs[j];
    maxUnitValue = Math.max(maxUnitValue, u);
    minUnitValue = Math.min(minUnitValue, u);
  }
  return { totalCost, maxUnitValue, minUnitValue };
}

/** Σ c_j, after checking that every cost is finite and > 0. */
function checkedTotalCost(costs: Entries, caller: string): number {
  let total = 0;
  let smallest = Number.POSITIVE_INFINITY;
  for (let j = 0; j < costs.length; j++) {
    total += costs[j];
    smallest = Math.min(smallest, costs[j]);
  }
  if (!(smallest > 0 && total < Number.POSITIVE_INFINITY)) {
    const j = costs.findIndex((c) => !(c > 0 && c < Number.POSITIVE_INFINITY));
    if (j < 0) throw new Error(`${caller}: the costs sum to ${total}: scale them down`);
    throw new Error(`${caller}: cost ${j} is ${costs[j]}: every cost must be finite and > 0`);
  }
  return total;
}

/** [min, max] of the entries ([0, 0] when empty); NaN if any entry is NaN. */
function extremes(entries: Entries): [number, number] {
  if (entries.length === 0) return [0, 0];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < entries.length; j++) {
    min = Math.min(min, entries[j]);
    max = Math.max(max, entries[j]);
  }
  return [min, max];
}
