/**
 * Distributing an overall density across the sparse tensors (../../shared/spec/baselines.md).
 *
 * - uniform: every tensor gets the same density.
 * - erk (Erdős–Rényi kernel, Evci et al. 2020): density_l = ε·(Σ dims_l)/(Π dims_l), with ε chosen so that
 *   Σ density_l·n_l = target·Σ n_l. A tensor whose density would exceed 1 becomes dense and ε is solved again
 *   for the rest, until none exceeds 1.
 * - global: one magnitude threshold over all tensors together: the counts are those of a single top-k over
 *   every tensor's |θ| (magnitude-ranked methods only).
 *
 * Every distribution keeps round(target·Σ n_l) entries overall, up to the rounding of one per tensor, and at
 * least one entry per tensor.
 */
import { selectTopKByMagnitude } from '../sparse/topk.js';

export type DistributionName = 'uniform' | 'erk' | 'global';

export const distributionNames: readonly DistributionName[] = ['uniform', 'erk', 'global'];

/** A sparse tensor as a distribution sees it. */
export interface TensorShape {
  /** Its dims: [out, in] for a linear weight, [out, in, kh, kw] for a convolution kernel. */
  dims: readonly number[];
}

/** Kept-entry counts per tensor for the overall density `target`. `magnitudes` is required for 'global'. */
export function distributeCounts(
  name: DistributionName,
  tensors: readonly TensorShape[],
  target: number,
  magnitudes?: readonly Float32Array[],
): number[] {
  const sizes = tensors.map((t) => t.dims.reduce((a, b) => a * b, 1));
  switch (name) {
    case 'uniform':
      return sizes.map((n) => clampCount(Math.round(target * n), n));
    case 'erk':
      return erkDensities(tensors, target).map((d, l) => clampCount(Math.round(d * sizes[l]), sizes[l]));
    case 'global':
      if (!magnitudes) throw new Error("distribution 'global' ranks magnitudes: pass every tensor's values");
      return globalCounts(magnitudes, target);
    default:
      throw new Error(`unknown distribution '${String(name)}': use one of ${distributionNames.join(', ')}`);
  }
}

/** ERK densities (each in (0, 1]) meeting the overall target exactly before rounding. */
export function erkDensities(tensors: readonly TensorShape[], target: number): number[] {
  const sizes = tensors.map((t) => t.dims.reduce((a, b) => a * b, 1));
  const raw = tensors.map((t, l) => t.dims.reduce((a, b) => a + b, 0) / sizes[l]);
  const dense = new Set<number>();
  const total = sizes.reduce((a, b) => a + b, 0);
  for (;;) {
    // Σ_{sparse} ε·raw_l·n_l + Σ_{dense} n_l = target·Σ n_l
    let denseCount = 0;
    let weighted = 0;
    sizes.forEach((n, l) => {
      if (dense.has(l)) denseCount += n;
      else weighted += raw[l] * n;
    });
    const epsilon = weighted > 0 ? (target * total - denseCount) / weighted : 0;
    const overflowing = raw.map((r, l) => (!dense.has(l) && epsilon * r > 1 ? l : -1)).filter((l) => l >= 0);
    if (overflowing.length === 0) return raw.map((r, l) => (dense.has(l) ? 1 : Math.max(0, epsilon * r)));
    for (const l of overflowing) dense.add(l);
  }
}

/** Per-tensor counts of one top-k over all tensors' magnitudes together. */
function globalCounts(magnitudes: readonly Float32Array[], target: number): number[] {
  const total = magnitudes.reduce((a, m) => a + m.length, 0);
  const all = new Float32Array(total);
  let offset = 0;
  for (const m of magnitudes) {
    all.set(m, offset);
    offset += m.length;
  }
  const kept = selectTopKByMagnitude(all, Math.round(target * total));
  const counts = magnitudes.map(() => 0);
  let layer = 0;
  let end = magnitudes[0]?.length ?? 0;
  for (const index of kept) {
    while (index >= end) end += magnitudes[++layer].length;
    counts[layer]++;
  }
  return counts.map((c, l) => clampCount(c, magnitudes[l].length));
}

function clampCount(count: number, size: number): number {
  return Math.min(size, Math.max(1, count));
}
