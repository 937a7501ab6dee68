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
 * Every loop runs along a row, over contiguous columns (the batch), so per-column statistics accumulate in
 * column-length arrays. x̂ and 1/√(σ² + ε) are kept for the backward.
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
  const { heap } = engine();
  const y = createOutput('layerNorm', x.shape, [x, gain, bias], { overwritten: true });
  const normalized = heap.allocF32(d * n, false);
  const inverseStd = heap.allocF32(n);
  const mean = heap.allocF32(n);
  const xs = x.data;
  for (let i = 0; i < d; i++) for (let c = 0; c < n; c++) mean[c] += xs[i * n + c];
  for (let c = 0; c < n; c++) mean[c] /= d;
  for (let i = 0; i < d; i++) {
    for (let c = 0; c < n; c++) {
      const centered = xs[i * n + c] - mean[c];
      normalized[i * n + c] = centered;
      inverseStd[c] += centered * centered;
    }
  }
  for (let c = 0; c < n; c++) inverseStd[c] = 1 / Math.sqrt(inverseStd[c] / d + eps);
  const g = gain.data;
  const b = bias.data;
  const out = y.data;
  for (let i = 0; i < d; i++) {
    for (let c = 0; c < n; c++) {
      const at = i * n + c;
      normalized[at] *= inverseStd[c];
      out[at] = g[i] * normalized[at] + b[i];
    }
  }
  recordBackward(
    y,
    (dy) => {
      if (gain.requiresGrad || bias.requiresGrad) {
        const dg = gain.ensureGrad();
        const db = bias.ensureGrad();
        for (let i = 0; i < d; i++) {
          let sg = 0;
          let sb = 0;
          for (let c = 0; c < n; c++) {
            sg += dy[i * n + c] * normalized[i * n + c];
            sb += dy[i * n + c];
          }
          if (gain.requiresGrad) dg[i] += sg;
          if (bias.requiresGrad) db[i] += sb;
        }
      }
      if (!x.requiresGrad) return;
      // mean reuses its array for mean_i(ĝ), a second one holds mean_i(ĝ x̂).
      const meanScaled = mean.fill(0);
      const meanProjected = heap.allocF32(n);
      for (let i = 0; i < d; i++) {
        for (let c = 0; c < n; c++) {
          const scaled = dy[i * n + c] * g[i];
          meanScaled[c] += scaled;
          meanProjected[c] += scaled * normalized[i * n + c];
        }
      }
      for (let c = 0; c < n; c++) {
        meanScaled[c] /= d;
        meanProjected[c] /= d;
      }
      const dx = x.ensureGrad();
      for (let i = 0; i < d; i++) {
        for (let c = 0; c < n; c++) {
          const at = i * n + c;
          dx[at] += (dy[at] * g[i] - meanScaled[c] - normalized[at] * meanProjected[c]) * inverseStd[c];
        }
      }
      heap.free(meanProjected);
    },
    [normalized, inverseStd, mean],
  );
  return y;
}
