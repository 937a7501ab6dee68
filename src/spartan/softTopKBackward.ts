import { type Entries, type SoftTopKProblem, validateProblem } from './softTopKInput.js';

/**
 * The gradient of a loss L through the soft top-k, by implicit differentiation (Tai, Tian, Lim,
 * arXiv:2205.14107, §3.2 and appendix; spec/spartan.md, "Soft top-k (backward)").
 *
 * Derivation. m_j = σ(β v_j / c_j + μ') with μ'(v) defined by the constraint Σ_j c_j m_j = K. Write
 * a_j = m_j (1 − m_j) = σ'. Then ∂m_j/∂v_k = a_j (β δ_jk / c_j + ∂μ'/∂v_k). Differentiating the constraint,
 * Σ_j c_j a_j (β δ_jk / c_j + ∂μ'/∂v_k) = 0, so ∂μ'/∂v_k = −β a_k / Σ_j c_j a_j. With γ_j = ∂L/∂m_j:
 *
 *   ∂L/∂v_k = Σ_j γ_j ∂m_j/∂v_k = β a_k (γ_k / c_k − s),   s = Σ_i γ_i a_i / Σ_i c_i a_i.
 *
 * The shift by τ does not matter: m as a function of v is the same. No gradient flows to the costs, the budget
 * or β. When every a_i is 0 (a hard mask, or κ ∈ {0, 1}) the mask is locally constant and the gradient is 0.
 *
 * The forward `mask` supplies m; values and budget are only checked for consistency (lengths, ranges).
 */
export interface SoftTopKBackwardInput extends SoftTopKProblem {
  /** m from softTopK on the same problem. */
  mask: Float64Array;
  /** γ_j = ∂L/∂m_j. */
  upstream: Entries;
}

export function softTopKBackward(input: SoftTopKBackwardInput): Float64Array {
  const { values, costs, beta, mask, upstream } = input;
  validateProblem(input, 'softTopKBackward');
  const n = values.length;
  if (!(mask instanceof Float64Array) || mask.length !== n) {
    throw new Error(`softTopKBackward: mask must be the Float64Array of ${n} entries that softTopK returned`);
  }
  if (!(upstream instanceof Float32Array || upstream instanceof Float64Array) || upstream.length !== n) {
    throw new Error(
      `softTopKBackward: upstream must be a Float32Array or Float64Array of ${n} entries (∂L/∂m)`,
    );
  }
  let weightedUpstream = 0;
  let weightedCost = 0;
  for (let i = 0; i < n; i++) {
    const a = mask[i] * (1 - mask[i]);
    weightedUpstream += upstream[i] * a;
    weightedCost += (costs === undefined ? 1 : costs[i]) * a;
  }
  const s = weightedCost > 0 ? weightedUpstream / weightedCost : 0;
  const gradient = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const a = mask[j] * (1 - mask[j]);
    gradient[j] = beta * a * (upstream[j] / (costs === undefined ? 1 : costs[j]) - s);
  }
  return gradient;
}
