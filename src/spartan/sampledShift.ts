import { shiftBracket, solveBudgetShift } from './budgetShift.js';
import { fastExp } from './fastExp.js';
import type { Entries } from './softTopKInput.js';

/**
 * A first μ for the Newton solve of a large soft top-k: μ of the same problem restricted to a sample of
 * SAMPLE_SIZE entries, with the budget scaled to the sample's cost (the same κ). For a sample that
 * represents the unit values well, Σ_j c_j σ(z_j + μ) over all entries is close to (Σc / Σ_sample c) times
 * the sample's sum, so the full solve starts near its root: at small β, where μ is far from 0, it then needs
 * three passes instead of five to seven. At large β few entries are soft, the sample's μ is noisy, and 0 (the
 * hard threshold's own shift: right as β → ∞ when the boundary entry is half kept) is the better start; the
 * sample's μ is used only when it differs from 0 by more than four times its estimated standard error (the
 * estimate is linear, so it runs low when the sample is nearly hard). Either way it is only a starting point:
 * the safeguarded solve converges from anywhere. Measured on 1M entries, β from 1 to 1e4, κ from 0.01 to 0.5:
 * three or four passes.
 *
 * The sample is the golden-ratio sequence j_i = ⌊frac(i·φ⁻¹)·n⌋, spread over the whole array without a
 * stride that could alias with a weight's rows. Below SAMPLE_SIZE entries there is no sample: μ = 0 (the
 * hard threshold's own shift) is the first guess.
 */
export const SAMPLE_SIZE = 16384;

const INVERSE_GOLDEN_RATIO = (Math.sqrt(5) - 1) / 2;

/** The sample's costs, q_j and mask, reused by every call (a solve every training step allocates nothing). */
const sampleCosts = new Float64Array(SAMPLE_SIZE);
const expNegShifted = new Float64Array(SAMPLE_SIZE);
const sampleMask = new Float64Array(SAMPLE_SIZE);

/** Position i of the golden-ratio sample of n entries. */
export function goldenSamplePosition(i: number, n: number): number {
  return Math.floor(((i * INVERSE_GOLDEN_RATIO) % 1) * n);
}

export function sampledShift(
  values: Entries,
  costs: Entries | undefined,
  keptFraction: number,
  beta: number,
  threshold: number,
): number {
  const n = values.length;
  if (n <= SAMPLE_SIZE) return 0;
  let sampleCost = 0;
  let maxShifted = Number.NEGATIVE_INFINITY;
  let minShifted = Number.POSITIVE_INFINITY;
  for (let i = 0; i < SAMPLE_SIZE; i++) {
    const j = goldenSamplePosition(i, n);
    const c = costs === undefined ? 1 : costs[j];
    const z = beta * (values[j] / c - threshold);
    sampleCosts[i] = c;
    sampleCost += c;
    expNegShifted[i] = fastExp(-z);
    maxShifted = Math.max(maxShifted, z);
    minShifted = Math.min(minShifted, z);
  }
  const budget = keptFraction * sampleCost;
  const { mu } = solveBudgetShift(
    {
      expNegShifted,
      costs: sampleCosts,
      budget,
      ...shiftBracket(budget, sampleCost, maxShifted, minShifted),
      guess: 0,
    },
    sampleMask,
  );
  return Math.abs(mu) > 4 * samplingError(sampleMask, sampleCosts) ? mu : 0;
}

/**
 * The standard error of the sample's μ: the sampled kept cost Σ_i c_i m_i has variance ≈ s·Var(c m) over the
 * choice of the s entries, and μ moves by 1 / Σ_i c_i m_i (1 − m_i) per unit of kept cost.
 */
function samplingError(mask: Float64Array, costs: Float64Array): number {
  const s = mask.length;
  let sum = 0;
  let sumOfSquares = 0;
  let slope = 0;
  for (let i = 0; i < s; i++) {
    const kept = costs[i] * mask[i];
    sum += kept;
    sumOfSquares += kept * kept;
    slope += kept * (1 - mask[i]);
  }
  const variance = Math.max(0, sumOfSquares / s - (sum / s) ** 2);
  return Math.sqrt(s * variance) / slope;
}
