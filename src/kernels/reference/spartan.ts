/**
 * Reference versions of Spartan's kernels (see the Kernels contract, "Spartan"): the executable spec the
 * SIMD kernels (assembly/spartan*.ts) are tested against. Sums run in float64 throughout; masks are rounded
 * to float32 when stored, as the SIMD kernels store them.
 */
import type { Kernels } from '../kernels.js';

/** e^{−(z + μ)} from which the soft mask is written as 0 (m < 1e-13), and the largest one used (e^80). */
export const SPARTAN_FLUSH_EXP = Math.fround(Math.exp(30));
export const SPARTAN_CLAMP_EXP = Math.fround(Math.exp(80));

const cost = (costs: Float32Array | null, j: number) => (costs === null ? 1 : costs[j]);
const unit = (values: Float32Array, costs: Float32Array | null, j: number) =>
  costs === null ? values[j] : Math.fround(values[j] / costs[j]);
const unitBits = new Uint32Array(1);
const unitFloat = new Float32Array(unitBits.buffer);

export const spartanValues: Kernels['spartanValues'] = ({ w, out, n, scale }) => {
  for (let i = 0; i < n; i++) out[i] = Math.abs(w[i]) * scale;
};

export const spartanHistogram: Kernels['spartanHistogram'] = ({
  values,
  costs,
  n,
  highMask,
  prefix,
  shift,
  bins,
  histogram,
}) => {
  for (let j = 0; j < n; j++) {
    unitFloat[0] = unit(values, costs, j);
    const bits = unitBits[0] & 0x7fffffff;
    if ((bits & highMask) >>> 0 !== prefix >>> 0) continue;
    histogram[(j & 3) * bins + ((bits >>> shift) & (bins - 1))] += cost(costs, j);
  }
};

export const spartanBand: Kernels['spartanBand'] = ({
  values,
  costs,
  n,
  low,
  high,
  band,
  capacity,
  sums,
  weights,
  scale,
}) => {
  if (weights !== null) for (let j = 0; j < n; j++) values[j] = Math.abs(weights[j]) * scale;
  let above = 0;
  let largest = Number.NEGATIVE_INFINITY;
  let smallest = Number.POSITIVE_INFINITY;
  let count = 0;
  for (let j = 0; j < n; j++) {
    const u = unit(values, costs, j);
    largest = Math.max(largest, u);
    smallest = Math.min(smallest, u);
    if (u > high) above += cost(costs, j);
    if (u >= low && u <= high) {
      if (count < capacity) band[count] = u;
      count++;
    }
  }
  sums[0] = above;
  sums[1] = largest;
  sums[2] = smallest;
  return count;
};

export const spartanTieBoundary: Kernels['spartanTieBoundary'] = ({
  values,
  costs,
  n,
  threshold,
  remaining,
}) => {
  let summed = 0;
  let last = -1;
  for (let j = 0; j < n; j++) {
    if (unit(values, costs, j) !== threshold) continue;
    summed += cost(costs, j);
    last = j;
    if (summed >= remaining) return j;
  }
  return last;
};

export const spartanMaskPass: Kernels['spartanMaskPass'] = ({
  values,
  costs,
  n,
  beta,
  threshold,
  mu,
  boundary,
  sums,
  soft,
  effective,
  exponentials,
  ratio,
}) => {
  let kept = 0;
  let slope = 0;
  let curvature = 0;
  for (let j = 0; j < n; j++) {
    const u = unit(values, costs, j);
    let e: number;
    if (ratio > 0) {
      e = Math.min(exponentials![j] * ratio, SPARTAN_CLAMP_EXP);
    } else {
      e = Math.min(Math.exp(beta * (threshold - u) - mu), SPARTAN_CLAMP_EXP);
      if (exponentials !== null) exponentials[j] = e;
    }
    const sharp = 1 / (1 + e);
    const m = e < SPARTAN_FLUSH_EXP ? sharp : 0;
    const c = cost(costs, j);
    kept += c * m;
    slope += c * m * (1 - m);
    curvature += c * m * (1 - m) * (1 - 2 * m);
    if (soft !== null && effective !== null) {
      soft[j] = m;
      effective[j] = u > threshold || (u === threshold && j <= boundary) ? sharp : 0;
    }
  }
  sums[0] = kept;
  sums[1] = slope;
  sums[2] = curvature;
};

export const spartanMaskBackward: Kernels['spartanMaskBackward'] = ({ dy, w, soft, grad, upstream, n }) => {
  for (let i = 0; i < n; i++) {
    if (grad !== null) grad[i] += dy[i] * soft[i];
    if (upstream !== null) upstream[i] += dy[i] * w[i];
  }
};

export const spartanSoftMaskBackward: Kernels['spartanSoftMaskBackward'] = ({
  dy,
  w,
  soft,
  grad,
  costs,
  n,
  beta,
}) => {
  let weighted = 0;
  for (let i = 0; i < n; i++) {
    const a = soft[i] * (1 - soft[i]);
    grad[i] += dy[i] * (soft[i] + (beta * a * Math.abs(w[i])) / cost(costs, i));
    weighted += dy[i] * w[i] * a;
  }
  return weighted;
};

export const spartanApplyGradient: Kernels['spartanApplyGradient'] = ({
  w,
  grad,
  soft,
  upstream,
  costs,
  n,
  beta,
  s,
}) => {
  for (let j = 0; j < n; j++) {
    const a = soft[j] * (1 - soft[j]);
    const gamma = upstream === null ? 0 : upstream[j];
    grad[j] += Math.sign(w[j]) * beta * a * (gamma / cost(costs, j) - s);
    if (upstream !== null) upstream[j] = 0;
  }
};
