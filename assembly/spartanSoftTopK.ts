// Spartan's soft top-k on float32 entries (Tai, Tian, Lim, arXiv:2205.14107, §3.2; spec/spartan.md): the
// passes of src/spartan/softTopKSolver.ts. An entry j has a value v_j ≥ 0 and a cost c_j > 0 (`costs` = 0:
// every cost is 1); its unit value is u_j = v_j / c_j. Sums are accumulated in float32 over blocks of
// SUM_BLOCK entries and the block sums in float64, so the budget Σ c_j m_j is exact to ~1e-9 relative.
import { Exp } from './exp';
import { SPARTAN_CHUNK, SUM_BLOCK, Sums } from './spartanSums';

/**
 * Once e^{−(z_j + μ)} reaches this (e^30), the soft mask m_j = σ(z_j + μ) < 1e-13 is written as 0: such tiny
 * masks would only feed subnormal products (slow on x86) into the step, and change Σ c m by < 1e-13 each.
 */
const FLUSH_EXP: f32 = 1.0686475e13;
/** The largest −(z_j + μ) given to exp: m stays a normal float32 (≥ 1.8e-35) for a hard-kept entry. */
const CLAMP_LOGIT: f32 = 80;
/** e^CLAMP_LOGIT. */
const CLAMP_EXP: f32 = 5.5406224e34;

/** Unit values u = v / c at byte offset `at` (c = 1 when costs is 0); static for @inline, as in exp.ts. */
class Unit {
  @inline
  static lanes(values: usize, costs: usize, at: usize): v128 {
    const v = v128.load(values + at);
    return costs === 0 ? v : f32x4.div(v, v128.load(costs + at));
  }

  @inline
  static scalar(values: usize, costs: usize, at: usize): f32 {
    const v = load<f32>(values + at);
    return costs === 0 ? v : v / load<f32>(costs + at);
  }
}

/**
 * Weighted radix histogram of the unit values' float32 bits (u ≥ 0, so the bits order like the values):
 * for every entry with (bits & highMask) == prefix, histogram[(j mod 4)·bins + ((bits >> shift) & (bins − 1))]
 * += c_j. Four interleaved copies (summed by the caller) keep repeated buckets from serialising the adds.
 * The caller zeroes the 4·bins float64 counters.
 */
export function spartanHistogram(
  values: usize,
  costs: usize,
  n: i32,
  highMask: u32,
  prefix: u32,
  shift: u32,
  bins: u32,
  histogram: usize,
): void {
  const binMask = bins - 1;
  for (let j = 0; j < n; j++) {
    const at = (<usize>j) << 2;
    const bits = reinterpret<u32>(Unit.scalar(values, costs, at)) & 0x7fffffff;
    if ((bits & highMask) !== prefix) continue;
    const slot = histogram + ((<usize>(<u32>(j & 3) * bins + ((bits >> shift) & binMask))) << 3);
    store<f64>(slot, load<f64>(slot) + (costs === 0 ? 1.0 : <f64>load<f32>(costs + at)));
  }
}

/**
 * The tie-break of the hard mask: scanning entries in index order, the first j with u_j == threshold at which
 * the summed cost of such entries reaches `remaining`; the last such entry when rounding leaves it short, and
 * −1 when there is none.
 */
export function spartanTieBoundary(values: usize, costs: usize, n: i32, threshold: f32, remaining: f64): i32 {
  const thresholdLanes = f32x4.splat(threshold);
  const vectorEnd = n & ~3;
  let summed: f64 = 0;
  let last = -1;
  for (let j = 0; j < n; j++) {
    // Four entries at a time while none of them ties (the common case: ties are few).
    if ((j & 3) === 0 && j < vectorEnd) {
      const at = (<usize>j) << 2;
      if (!v128.any_true(f32x4.eq(Unit.lanes(values, costs, at), thresholdLanes))) {
        j += 3;
        continue;
      }
    }
    const at = (<usize>j) << 2;
    if (Unit.scalar(values, costs, at) !== threshold) continue;
    summed += costs === 0 ? 1.0 : <f64>load<f32>(costs + at);
    last = j;
    if (summed >= remaining) return j;
  }
  return last;
}

/**
 * One evaluation of the soft mask at shift μ: m_j = σ(z_j + μ) with z_j = β(u_j − τ), and into sums[0..2]
 * the float64 totals Σ c m, Σ c m(1 − m) and Σ c m(1 − m)(1 − 2m) (the budget and its first two derivatives
 * in μ). When `soft` is not 0 it also writes m to soft and m·h to effective, h_j = 1 for u_j > τ or for
 * u_j == τ and j ≤ boundary (the hard mask).
 *
 * The pass needs e_j = e^{−(z_j + μ)} (clamped to e^CLAMP_LOGIT), m_j = 1 / (1 + e_j). With ratio = 0 it
 * computes e_j, and stores it to `exponentials` unless that is 0. With ratio > 0, `exponentials` holds the
 * e_j of an earlier pass at μ0 and ratio = e^{μ0 − μ}: e_j·ratio is the new one, no exponential needed
 * (exponentials may be `soft` itself: each entry is read before it is overwritten).
 */
export function spartanMaskPass(
  values: usize,
  costs: usize,
  n: i32,
  beta: f32,
  threshold: f32,
  mu: f32,
  boundary: i32,
  sums: usize,
  soft: usize,
  effective: usize,
  exponentials: usize,
  ratio: f32,
): void {
  // Chunk by chunk, the chunks' totals added in order: spartanMaskPassChunks on threads gives the same bits.
  let total0: f64 = 0;
  let total1: f64 = 0;
  let total2: f64 = 0;
  for (let j0 = 0; j0 < n; j0 += SPARTAN_CHUNK) {
    const j1 = min(n, j0 + SPARTAN_CHUNK);
    MaskPass.chunk(
      values,
      costs,
      j0,
      j1,
      beta,
      threshold,
      mu,
      boundary,
      sums,
      soft,
      effective,
      exponentials,
      ratio,
    );
    total0 += load<f64>(sums);
    total1 += load<f64>(sums + 8);
    total2 += load<f64>(sums + 16);
  }
  store<f64>(sums, total0);
  store<f64>(sums + 8, total1);
  store<f64>(sums + 16, total2);
}

/**
 * Chunks [c0, c1) of a spartanMaskPass (for worker threads): the pass's arguments are read from the block at
 * `params` (byte offsets: values 0, costs 4, n 8, β 12, τ 16, μ 20, boundary 24, soft 28, effective 32,
 * exponentials 36, ratio 40, partials 44), and chunk c's three totals go to partials + 24c.
 */
export function spartanMaskPassChunks(params: usize, c0: i32, c1: i32): void {
  const n = load<i32>(params + 8);
  const partials = <usize>load<u32>(params + 44);
  for (let c = c0; c < c1; c++) {
    const j0 = c * SPARTAN_CHUNK;
    MaskPass.chunk(
      <usize>load<u32>(params),
      <usize>load<u32>(params + 4),
      j0,
      min(n, j0 + SPARTAN_CHUNK),
      load<f32>(params + 12),
      load<f32>(params + 16),
      load<f32>(params + 20),
      load<i32>(params + 24),
      partials + 24 * <usize>c,
      <usize>load<u32>(params + 28),
      <usize>load<u32>(params + 32),
      <usize>load<u32>(params + 36),
      load<f32>(params + 40),
    );
  }
}

/** The mask pass over entries [j0, j1) (j0 a multiple of SUM_BLOCK), its three totals stored at `sums`. */
class MaskPass {
  @inline
  static chunk(
    values: usize,
    costs: usize,
    j0: i32,
    j1: i32,
    beta: f32,
    threshold: f32,
    mu: f32,
    boundary: i32,
    sums: usize,
    soft: usize,
    effective: usize,
    exponentials: usize,
    ratio: f32,
  ): void {
    const betaLanes = f32x4.splat(beta);
    const thresholdLanes = f32x4.splat(threshold);
    const muLanes = f32x4.splat(mu);
    const ratioLanes = f32x4.splat(ratio);
    const ones = f32x4.splat(1);
    let kept = f64x2.splat(0);
    let slope = f64x2.splat(0);
    let curvature = f64x2.splat(0);
    let j = j0;
    const vectorEnd = j0 + ((j1 - j0) & ~3);
    while (j < vectorEnd) {
      const blockEnd = min(vectorEnd, j + SUM_BLOCK);
      let blockKept = f32x4.splat(0);
      let blockSlope = f32x4.splat(0);
      let blockCurvature = f32x4.splat(0);
      for (; j < blockEnd; j += 4) {
        const at = (<usize>j) << 2;
        const u = Unit.lanes(values, costs, at);
        let e: v128;
        if (ratio > 0) {
          e = f32x4.pmin(f32x4.mul(v128.load(exponentials + at), ratioLanes), f32x4.splat(CLAMP_EXP));
        } else {
          const logit = f32x4.sub(f32x4.mul(betaLanes, f32x4.sub(thresholdLanes, u)), muLanes);
          e = Exp.lanes(f32x4.pmin(logit, f32x4.splat(CLAMP_LOGIT)));
          if (exponentials !== 0) v128.store(exponentials + at, e);
        }
        const sharp = f32x4.div(ones, f32x4.add(ones, e));
        const m = v128.and(sharp, f32x4.lt(e, f32x4.splat(FLUSH_EXP)));
        const c = costs === 0 ? ones : v128.load(costs + at);
        const a = f32x4.mul(c, f32x4.sub(m, f32x4.mul(m, m)));
        blockKept = f32x4.add(blockKept, costs === 0 ? m : f32x4.mul(c, m));
        blockSlope = f32x4.add(blockSlope, a);
        blockCurvature = f32x4.add(blockCurvature, f32x4.mul(a, f32x4.sub(ones, f32x4.add(m, m))));
        if (soft !== 0) {
          v128.store(soft + at, m);
          const above = f32x4.gt(u, thresholdLanes);
          const tied = v128.and(
            f32x4.eq(u, thresholdLanes),
            i32x4.le_s(i32x4.add(i32x4.splat(j), i32x4(0, 1, 2, 3)), i32x4.splat(boundary)),
          );
          v128.store(effective + at, v128.and(sharp, v128.or(above, tied)));
        }
      }
      kept = f64x2.add(kept, Sums.widenedPairs(blockKept));
      slope = f64x2.add(slope, Sums.widenedPairs(blockSlope));
      curvature = f64x2.add(curvature, Sums.widenedPairs(blockCurvature));
    }
    let total0 = f64x2.extract_lane(kept, 0) + f64x2.extract_lane(kept, 1);
    let total1 = f64x2.extract_lane(slope, 0) + f64x2.extract_lane(slope, 1);
    let total2 = f64x2.extract_lane(curvature, 0) + f64x2.extract_lane(curvature, 1);
    for (; j < j1; j++) {
      const at = (<usize>j) << 2;
      const u = Unit.scalar(values, costs, at);
      let e: f32;
      if (ratio > 0) {
        e = min(load<f32>(exponentials + at) * ratio, CLAMP_EXP);
      } else {
        e = Exp.scalar(min(beta * (threshold - u) - mu, CLAMP_LOGIT));
        if (exponentials !== 0) store<f32>(exponentials + at, e);
      }
      const sharp: f32 = 1 / (1 + e);
      const m: f32 = e < FLUSH_EXP ? sharp : 0;
      const c: f32 = costs === 0 ? 1 : load<f32>(costs + at);
      const a: f32 = c * (m - m * m);
      total0 += <f64>(c * m);
      total1 += <f64>a;
      total2 += <f64>(a * (1 - (m + m)));
      if (soft !== 0) {
        store<f32>(soft + at, m);
        const hard = u > threshold || (u === threshold && j <= boundary);
        store<f32>(effective + at, hard ? sharp : 0);
      }
    }
    store<f64>(sums, total0);
    store<f64>(sums + 8, total1);
    store<f64>(sums + 16, total2);
  }
}

/**
 * One pass that narrows the hard threshold to a band [low, high] of unit values: sums[0] = Σ c_j over
 * u_j > high, sums[1] = max u, sums[2] = min u (NaN if a value is NaN); the unit values inside the band are
 * copied in index order to `band` (up to `capacity` of them). Returns how many lie in the band. With
 * `weights` not 0 (unit costs), the pass first writes the values of 1×1 blocks, v = scale·|w|, which saves
 * spartanValues' pass.
 */
export function spartanBand(
  values: usize,
  costs: usize,
  n: i32,
  low: f32,
  high: f32,
  band: usize,
  capacity: i32,
  sums: usize,
  weights: usize,
  scale: f32,
): i32 {
  const scaleLanes = f32x4.splat(scale);
  const lowLanes = f32x4.splat(low);
  const highLanes = f32x4.splat(high);
  const ones = f32x4.splat(1);
  let above = f64x2.splat(0);
  // Extremes over the float32 bits as integers (u ≥ 0 orders like its bits; NaN's bits are above +∞'s):
  // one instruction each, where NaN-aware float min and max take several.
  let largest = i32x4.splat(0);
  let smallest = i32x4.splat(i32.MAX_VALUE);
  let count = 0;
  let j = 0;
  const vectorEnd = n & ~3;
  while (j < vectorEnd) {
    const blockEnd = min(vectorEnd, j + SUM_BLOCK);
    let blockAbove = f32x4.splat(0);
    for (; j < blockEnd; j += 4) {
      const at = (<usize>j) << 2;
      let u: v128;
      if (weights !== 0) {
        u = f32x4.mul(f32x4.abs(v128.load(weights + at)), scaleLanes);
        v128.store(values + at, u);
      } else {
        u = Unit.lanes(values, costs, at);
      }
      largest = i32x4.max_s(largest, u);
      smallest = i32x4.min_s(smallest, u);
      const c = costs === 0 ? ones : v128.load(costs + at);
      blockAbove = f32x4.add(blockAbove, v128.and(c, f32x4.gt(u, highLanes)));
      if (!v128.any_true(v128.and(f32x4.ge(u, lowLanes), f32x4.le(u, highLanes)))) continue;
      for (let lane = 0; lane < 4; lane++) {
        const x = Unit.scalar(values, costs, at + ((<usize>lane) << 2));
        if (x >= low && x <= high) {
          if (count < capacity) store<f32>(band + ((<usize>count) << 2), x);
          count++;
        }
      }
    }
    above = f64x2.add(above, Sums.widenedPairs(blockAbove));
  }
  let totalAbove = f64x2.extract_lane(above, 0) + f64x2.extract_lane(above, 1);
  let maxBits = max(
    max(i32x4.extract_lane(largest, 0), i32x4.extract_lane(largest, 1)),
    max(i32x4.extract_lane(largest, 2), i32x4.extract_lane(largest, 3)),
  );
  let minBits = min(
    min(i32x4.extract_lane(smallest, 0), i32x4.extract_lane(smallest, 1)),
    min(i32x4.extract_lane(smallest, 2), i32x4.extract_lane(smallest, 3)),
  );
  for (; j < n; j++) {
    const at = (<usize>j) << 2;
    if (weights !== 0) store<f32>(values + at, Mathf.abs(load<f32>(weights + at)) * scale);
    const x = Unit.scalar(values, costs, at);
    maxBits = max(maxBits, reinterpret<i32>(x));
    minBits = min(minBits, reinterpret<i32>(x));
    if (x > high) totalAbove += costs === 0 ? 1.0 : <f64>load<f32>(costs + at);
    if (x >= low && x <= high) {
      if (count < capacity) store<f32>(band + ((<usize>count) << 2), x);
      count++;
    }
  }
  store<f64>(sums, totalAbove);
  store<f64>(sums + 8, n > 0 ? <f64>reinterpret<f32>(maxBits) : -Infinity);
  store<f64>(sums + 16, n > 0 ? <f64>reinterpret<f32>(minBits) : Infinity);
  return count;
}
