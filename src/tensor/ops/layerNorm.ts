import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/**
 * Layer normalisation over the features of each column (Ba, Kiros and Hinton 2016) of a feature-major x [d, n]:
 *   μ_c = (1/d) Σ_i x_ic,  σ²_c = (1/d) Σ_i (x_ic − μ_c)²,  x̂_ic = (x_ic − μ_c) / √(σ²_c + ε),
 *   y_ic = g_i · x̂_ic + b_i.
 * Gradients, with ĝ_ic = dy_ic · g_i:
 *   dx_ic = (ĝ_ic − mean_i(ĝ_ic) − x̂_ic · mean_i(ĝ_ic x̂_ic)) / √(σ²_c + ε),
 *   dg_i = Σ_c dy_ic x̂_ic,  db_i = Σ_c dy_ic.
 * One kernel call each way (Kernels.layerNorm, layerNormBackward); x̂ and 1/√(σ² + ε) are kept for the backward.
 */
export function layerNorm(x: Tensor, gain: Tensor, bias: Tensor, eps = 1e-5): Tensor {
  if (x.shape.length !== 2 || gain.shape.length !== 1 || bias.shape.length !== 1) {
    throw new Error(
      `layerNorm: expects x [features, batch] and gain, bias [features], got ${formatShape(x.shape)}, ${formatShape(gain.shape)}, ${formatShape(bias.shape)}`,
    );
  }
  const [d, n] = x.shape;
  if (gain.size !== d || bias.size !== d) {
    throw new Error(
      `layerNorm: gain ${formatShape(gain.shape)} and bias ${formatShape(bias.shape)} must have one entry per feature of x ${formatShape(x.shape)}`,
    );
  }
  const { heap, kernels } = engine();
  const y = createOutput('layerNorm', x.shape, [x, gain, bias], { overwritten: true });
  const normalized = heap.allocF32(d * n, false);
  const inverseStd = heap.allocF32(n, false);
  kernels.layerNorm({
    x: x.data,
    gain: gain.data,
    bias: bias.data,
    out: y.data,
    normalized,
    inverseStd,
    rows: d,
    cols: n,
    eps,
  });
  recordBackward(
    y,
    (dy) => {
      const { heap: h, kernels: k } = engine();
      // Gradients for every input that wants one; the others get a scratch array that is dropped.
      const wanted = (t: Tensor, size: number) => (t.requiresGrad ? t.ensureGrad() : h.allocF32(size, false));
      const dx = wanted(x, d * n);
      const dgain = wanted(gain, d);
      const dbias = wanted(bias, d);
      const scratch = h.allocF32(2 * n, false);
      k.layerNormBackward({
        dy,
        gain: gain.data,
        normalized,
        inverseStd,
        dx,
        dgain,
        dbias,
        scratch,
        rows: d,
        cols: n,
        accumulate: true,
      });
      h.free(scratch);
      for (const [t, grad] of [
        [x, dx],
        [gain, dgain],
        [bias, dbias],
      ] as const)
        if (!t.requiresGrad) h.free(grad);
    },
    [normalized, inverseStd],
  );
  return y;
}
