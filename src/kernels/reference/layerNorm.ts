import type { KernelArgs } from '../kernels.js';

/**
 * Layer normalisation kernels (see the Kernels contract): per column c of a feature-major x [rows×cols],
 * over its rows. Every loop runs along a row, over contiguous columns, so the per-column statistics
 * accumulate in column-length arrays.
 */

export function layerNorm({
  x,
  gain,
  bias,
  out,
  normalized,
  inverseStd,
  rows,
  cols,
  eps,
}: KernelArgs<'layerNorm'>): void {
  // inverseStd holds the means first, then the variances, then 1/√(σ² + ε); normalized holds x − μ first.
  inverseStd.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) inverseStd[c] += x[r * cols + c];
  for (let c = 0; c < cols; c++) inverseStd[c] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) normalized[r * cols + c] = x[r * cols + c] - inverseStd[c];
  }
  inverseStd.fill(0, 0, cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) inverseStd[c] += normalized[r * cols + c] * normalized[r * cols + c];
  }
  for (let c = 0; c < cols; c++) inverseStd[c] = 1 / Math.sqrt(inverseStd[c] / rows + eps);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const at = r * cols + c;
      normalized[at] *= inverseStd[c];
      out[at] = gain[r] * normalized[at] + bias[r];
    }
  }
}

export function layerNormBackward({
  dy,
  gain,
  normalized,
  inverseStd,
  dx,
  dgain,
  dbias,
  scratch,
  rows,
  cols,
  accumulate,
}: KernelArgs<'layerNormBackward'>): void {
  // scratch[0, cols): mean over rows of ĝ = dy·g; scratch[cols, 2·cols): mean of ĝ·x̂.
  scratch.fill(0, 0, 2 * cols);
  for (let r = 0; r < rows; r++) {
    let sumGain = 0;
    let sumBias = 0;
    for (let c = 0; c < cols; c++) {
      const at = r * cols + c;
      const scaled = dy[at] * gain[r];
      scratch[c] += scaled;
      scratch[cols + c] += scaled * normalized[at];
      sumGain += dy[at] * normalized[at];
      sumBias += dy[at];
    }
    dgain[r] = accumulate ? dgain[r] + sumGain : sumGain;
    dbias[r] = accumulate ? dbias[r] + sumBias : sumBias;
  }
  for (let c = 0; c < 2 * cols; c++) scratch[c] /= rows;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const at = r * cols + c;
      const g = (dy[at] * gain[r] - scratch[c] - normalized[at] * scratch[cols + c]) * inverseStd[c];
      dx[at] = accumulate ? dx[at] + g : g;
    }
  }
}
