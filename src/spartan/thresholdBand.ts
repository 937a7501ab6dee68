import { goldenSamplePosition, SAMPLE_SIZE } from './sampledShift.js';

/**
 * A band [low, high] of values that holds the hard threshold τ (the ⌈K⌉-th largest value, unit costs) with
 * near certainty, from a sample of SAMPLE_SIZE entries (the golden-ratio positions of sampledShift.ts): τ's
 * rank among the sorted sample is about s·(1 − κ), with standard deviation σ = √(s·κ(1 − κ)), and the band
 * spans the sample's values 6σ + 2 ranks either side. hardThreshold.ts checks that the band does hold τ (the
 * entries above it cost less than K, with the band's entries at least K) and otherwise selects over all
 * entries, so the band only decides the speed, never the result. About 2% of the entries fall in the band at
 * κ = 0.1 (± 6σ of 16384 draws); null below BAND_MIN_ENTRIES, where a full select is as cheap.
 */
export const BAND_MIN_ENTRIES = 8 * SAMPLE_SIZE;

const sample = new Float32Array(SAMPLE_SIZE);

export function thresholdBand(
  values: Float32Array,
  keptFraction: number,
): { low: number; high: number } | null {
  const n = values.length;
  if (n < BAND_MIN_ENTRIES) return null;
  for (let i = 0; i < SAMPLE_SIZE; i++) sample[i] = values[goldenSamplePosition(i, n)];
  const center = SAMPLE_SIZE * (1 - keptFraction);
  const spread = 6 * Math.sqrt(SAMPLE_SIZE * keptFraction * (1 - keptFraction)) + 2;
  const below = Math.floor(center - spread);
  const above = Math.ceil(center + spread);
  const high = above >= SAMPLE_SIZE ? Number.POSITIVE_INFINITY : nthSmallest(sample, above, SAMPLE_SIZE);
  const low = below < 0 ? 0 : nthSmallest(sample, below, Math.min(above, SAMPLE_SIZE));
  return { low, high };
}

/**
 * The k-th smallest of array[0, end) (Hoare's quickselect, middle pivot): reorders that prefix so that every
 * entry before k is ≤ array[k] and every entry after it is ≥. Expected O(end), no allocation (a sort of the
 * sample took 1.2 ms, this ~0.1).
 */
function nthSmallest(array: Float32Array, k: number, end: number): number {
  let lo = 0;
  let hi = end - 1;
  while (lo < hi) {
    const pivot = array[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (array[i] < pivot) i++;
      while (array[j] > pivot) j--;
      if (i <= j) {
        const t = array[i];
        array[i++] = array[j];
        array[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return array[k];
}
