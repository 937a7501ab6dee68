/**
 * The logistic function and its logarithm, evaluated without overflow for any finite argument.
 *
 *   σ(x) = 1 / (1 + e^{−x}),  computed as e^{x} / (1 + e^{x}) for x < 0 so that e^{·} never exceeds 1;
 *   log σ(x) = −softplus(−x),  softplus(y) = max(y, 0) + log1p(e^{−|y|}).
 */

export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

export function logSigmoid(x: number): number {
  return -(Math.max(-x, 0) + Math.log1p(Math.exp(-Math.abs(x))));
}
