import type { Kernels } from '../kernels/kernels.js';
import { thresholdBand } from './thresholdBand.js';

/**
 * The hard mask of Spartan on float32 entries (spec/spartan.md, "Hard mask"; the float64 version is
 * hardMask.ts): order the entries by unit value u_j descending, the lower index first among equal ones, and
 * keep every entry up to and including t*, the first at which the cumulative cost reaches the budget K. The
 * result is τ = u_{t*} and the boundary index among the entries equal to τ, so that
 * h_j = [u_j > τ or (u_j = τ and j ≤ boundary)].
 *
 * Method: unit values are ≥ 0, so their float32 bits order like the values, and a radix select finds τ: three
 * histogram passes (kernels.spartanHistogram) weigh the entries by cost on bits 30–20, then 19–10 within the
 * bucket that holds t*, then 9–0, which pins τ's bits. With unit costs and many entries, one pass first
 * (kernels.spartanBand) counts the entries above a band that a sample says holds τ (thresholdBand.ts) and
 * copies out the band's few values; when the counts confirm the band, the radix select runs on those alone.
 * Given the 1×1 layers the values come from (`sources`), that pass also writes the values, and the sample
 * that places the band is taken from the values still there, the last step's (a band that misses only costs
 * the full select).
 * A last pass finds the boundary among ties, unless every tie is kept. All passes are O(n) reads.
 */
export interface HardThreshold {
  /** τ. */
  threshold: number;
  /** The last kept entry equal to τ (every entry equal to τ up to it is kept). */
  boundary: number;
  /** Bounds of the unit values: every u_j lies in [lowest, highest]. */
  lowest: number;
  highest: number;
}

/** Scratch arrays in the kernel heap. */
export interface HardThresholdScratch {
  /** 4·2048 float64. */
  histogram: Float64Array;
  /** 3 float64. */
  sums: Float64Array;
  /** The band's values (its length is the capacity). */
  band: Float32Array;
}

/** Bits 30–20, 19–10, 9–0 of a non-negative float32. */
const LEVELS = [
  { shift: 20, bins: 2048 },
  { shift: 10, bins: 1024 },
  { shift: 0, bins: 1024 },
] as const;
/** The first level-1 bucket of +∞ and NaN (exponent bits all ones). */
const NON_FINITE_BUCKET = 0x7f8;

const bitsView = new Uint32Array(1);
const floatView = new Float32Array(bitsView.buffer);
const floatOfBits = (bits: number) => {
  bitsView[0] = bits;
  return floatView[0];
};

/** Needs 0 < K < Σc and n > 0. `caller` names the function in the error for a NaN or infinite value. */
export function hardThreshold(
  kernels: Kernels,
  values: Float32Array,
  costs: Float32Array | null,
  n: number,
  budget: number,
  scratch: HardThresholdScratch,
  caller: string,
  sources?: readonly ValueSource[],
): HardThreshold {
  // With sources, `values` still holds the last step's values: a sample of them places the band.
  const band = costs === null ? thresholdBand(values.subarray(0, n), budget / n) : null;
  if (band === null && sources) for (const source of sources) writeValues(kernels, values, source);
  let select: RadixSelect | null = null;
  let lowest = 0;
  let highest = 0;
  if (band !== null) {
    const { count, above, ...extremes } = bandPass(kernels, values, n, band, scratch, sources);
    if (!Number.isFinite(extremes.highest)) throw nonFinite(values, costs, n, caller);
    ({ lowest, highest } = extremes);
    if (count <= scratch.band.length && above < budget && above + count >= budget) {
      select = radixSelect(kernels, scratch.band, null, count, budget - above, scratch.histogram, caller);
      select.passed += above;
    }
  }
  if (select === null) {
    select = radixSelect(kernels, values, costs, n, budget, scratch.histogram, caller);
    if (band === null) [lowest, highest] = [select.lowest, select.highest];
  }
  const { threshold, passed, tieWeight } = select;
  const remaining = budget - passed;
  const everyTieKept = costs === null && Math.ceil(remaining) >= tieWeight;
  const boundary = everyTieKept
    ? n - 1
    : kernels.spartanTieBoundary({ values, costs, n, threshold, remaining });
  return { threshold, boundary, lowest, highest };
}

/**
 * A 1×1 layer whose values scale·|w| fill values[offset, offset + weights.length) (unit costs): the first pass
 * over the values writes them (spartanBand), which saves a pass of spartanValues.
 */
export interface ValueSource {
  readonly weights: Float32Array;
  readonly offset: number;
  readonly scale: number;
}

function writeValues(kernels: Kernels, values: Float32Array, { weights, offset, scale }: ValueSource): void {
  const n = weights.length;
  kernels.spartanValues({ w: weights, out: values.subarray(offset, offset + n), n, scale });
}

/** spartanBand over all entries, or source by source (writing their values), its results combined. */
function bandPass(
  kernels: Kernels,
  values: Float32Array,
  n: number,
  { low, high }: { low: number; high: number },
  { band, sums }: HardThresholdScratch,
  sources: readonly ValueSource[] | undefined,
) {
  if (!sources) {
    const count = kernels.spartanBand({
      values,
      costs: null,
      n,
      low,
      high,
      band,
      capacity: band.length,
      sums,
      weights: null,
      scale: 1,
    });
    return { count, above: sums[0], highest: sums[1], lowest: sums[2] };
  }
  let count = 0;
  let above = 0;
  let highest = Number.NEGATIVE_INFINITY;
  let lowest = Number.POSITIVE_INFINITY;
  for (const { weights, offset, scale } of sources) {
    const length = weights.length;
    const free = band.subarray(Math.min(count, band.length));
    const target = values.subarray(offset, offset + length);
    count += kernels.spartanBand({
      values: target,
      costs: null,
      n: length,
      low,
      high,
      band: free,
      capacity: free.length,
      sums,
      weights,
      scale,
    });
    above += sums[0];
    highest = Math.max(highest, sums[1]);
    lowest = Math.min(lowest, sums[2]);
  }
  return { count, above, highest, lowest };
}

interface RadixSelect {
  threshold: number;
  /** The cost of the entries above τ. */
  passed: number;
  /** The cost of the entries equal to τ. */
  tieWeight: number;
  /** Bounds of the values from the first histogram. */
  lowest: number;
  highest: number;
}

/** τ by the three histogram levels over `n` entries (n > 0, 0 < K ≤ their cost). */
function radixSelect(
  kernels: Kernels,
  values: Float32Array,
  costs: Float32Array | null,
  n: number,
  budget: number,
  histogram: Float64Array,
  caller: string,
): RadixSelect {
  let prefix = 0;
  let highMask = 0;
  let passed = 0;
  let tieWeight = 0;
  let lowest = 0;
  let highest = 0;
  for (let level = 0; level < LEVELS.length; level++) {
    const { shift, bins } = LEVELS[level];
    histogram.fill(0, 0, 4 * bins);
    kernels.spartanHistogram({ values, costs, n, highMask, prefix, shift, bins, histogram });
    for (let b = 0; b < bins; b++) {
      histogram[b] += histogram[bins + b] + (histogram[2 * bins + b] + histogram[3 * bins + b]);
    }
    if (level === 0) {
      let top = bins - 1;
      while (histogram[top] === 0) top--;
      if (top >= NON_FINITE_BUCKET) throw nonFinite(values, costs, n, caller);
      let bottom = 0;
      while (histogram[bottom] === 0) bottom++;
      highest = floatOfBits((top << shift) | ((1 << shift) - 1));
      lowest = floatOfBits(bottom << shift);
    }
    // The bucket of t*: walk down from the top until the cost passed plus the bucket's reaches K (the lowest
    // non-empty bucket when rounding leaves the total just short of K: everything is kept).
    let chosen = -1;
    let reached = false;
    for (let b = bins - 1; b >= 0 && !reached; b--) {
      const weight = histogram[b];
      if (weight === 0) continue;
      chosen = b;
      tieWeight = weight;
      reached = passed + weight >= budget;
      if (!reached) passed += weight;
    }
    if (!reached) passed -= tieWeight;
    prefix = (prefix | (chosen << shift)) >>> 0;
    highMask = (highMask | ((bins - 1) << shift)) >>> 0;
  }
  return { threshold: floatOfBits(prefix), passed, tieWeight, lowest, highest };
}

function nonFinite(values: Float32Array, costs: Float32Array | null, n: number, caller: string): Error {
  let j = 0;
  while (j < n - 1 && Number.isFinite(costs === null ? values[j] : values[j] / costs[j])) j++;
  return new Error(
    `${caller}: value ${j} is ${values[j]}: values must be finite and ≥ 0 (Σ|w| over a block; check for NaN weights)`,
  );
}
