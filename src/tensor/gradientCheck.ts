import { recordTape } from './tape.js';
import type { Tensor } from './tensor.js';

/** The worst disagreement between the tape's gradient and finite differences. */
export interface GradientCheckResult {
  /** max over checked entries of |analytic − numeric| / max(|analytic|, |numeric|, 0.01). */
  maxError: number;
  /** Where maxError occurred: input position, entry, and both values. */
  worst: { input: number; index: number; analytic: number; numeric: number } | null;
}

/**
 * Checks the gradient of a scalar function against central differences. For every entry xᵢ of every input
 * that requires grad, numericᵢ = (f(x + h·eᵢ) − f(x − h·eᵢ)) / (x⁺ᵢ − x⁻ᵢ), computed in float64 from the
 * float32 values actually stored (x⁺ᵢ, x⁻ᵢ), and compared with the gradient of one recorded backward pass.
 * `f` must build its result from `inputs` with ops; keep inputs away from kinks (relu at 0) by more than h.
 * Existing `.grad` arrays of the inputs are zeroed first.
 */
export function gradientCheck(
  f: (inputs: Tensor[]) => Tensor,
  inputs: Tensor[],
  h = 1e-2,
): GradientCheckResult {
  for (const input of inputs) input.grad?.fill(0);
  const { tape, result } = recordTape(() => f(inputs));
  try {
    tape.backward(result);
  } finally {
    tape.dispose();
  }
  const analytic = inputs.map((input) => (input.grad ? Float64Array.from(input.grad) : null));
  const evaluate = (): number => {
    const { tape: scope, result: value } = recordTape(() => f(inputs));
    const out = value.item();
    scope.dispose();
    return out;
  };
  let maxError = 0;
  let worst: GradientCheckResult['worst'] = null;
  inputs.forEach((input, which) => {
    const grad = analytic[which];
    if (!input.requiresGrad || grad === null) return;
    for (let i = 0; i < input.size; i++) {
      const original = input.data[i];
      input.data[i] = original + h;
      const plus = input.data[i];
      const fPlus = evaluate();
      input.data[i] = original - h;
      const minus = input.data[i];
      const fMinus = evaluate();
      input.data[i] = original;
      const numeric = (fPlus - fMinus) / (plus - minus);
      const error = Math.abs(grad[i] - numeric) / Math.max(Math.abs(grad[i]), Math.abs(numeric), 0.01);
      if (error >= maxError) {
        maxError = error;
        worst = { input: which, index: i, analytic: grad[i], numeric };
      }
    }
  });
  return { maxError, worst };
}
