import { engine } from '../kernels/engine.js';
import { SHIFT_LIMIT, SMALLEST_BUDGET_FRACTION, shiftBracket } from './budgetShift.js';
import { hardThreshold, type ValueSource } from './hardThreshold.js';
import { goldenSamplePosition, SAMPLE_SIZE, sampledShift } from './sampledShift.js';

/**
 * Spartan's soft top-k on float32 entries in the kernel heap, in place and without allocating: the fast
 * version of softTopK (softTopK.ts, the float64 reference) that SoftMaskController runs every step (Tai, Tian,
 * Lim, arXiv:2205.14107, §3.2; spec/spartan.md, "Soft top-k (forward)"):
 *
 *   m_j = σ(β(u_j − τ) + μ),  u_j = v_j / c_j,  μ such that Σ_j c_j m_j = K,
 *
 * with the hard mask h (hardThreshold.ts: three radix passes) written as m ⊙ h to `effective`.
 *
 * The shift μ is solved by safeguarded Halley steps on f(μ) = Σ c m − K: each pass over the entries
 * (kernels.spartanMaskPass, WebAssembly SIMD, float32 masks, float64 sums) returns f, f' = Σ c m(1 − m) and
 * f'' = Σ c m(1 − m)(1 − 2m), so the step δ = 2ff' / (2f'² − ff'') converges cubically; a step that leaves the
 * bracket [lo, hi] of the root, or does not halve the step before last, bisects instead (as budgetShift.ts
 * does for Newton). The start is sampledShift's μ. Passes are read-only until |f| ≤ WRITE_FROM·K, when the
 * next pass also writes the masks; a read-only pass leaves e_j = e^{−(z_j + μ)} in `soft`, so the writing
 * pass after it needs no exponential (m_j = 1 / (1 + e_j·e^{μ_before − μ}): about half the work of a pass).
 * The solve stops at a writing pass with |f| ≤ TARGET·K, or ≤ CONTRACT·K once |f| no longer halves (the
 * float32 masks set a floor near 1e-8). Measured on 1M entries, β from 10 to 1000: 2 passes; on 5.8M
 * weights during Spartan's warmup (β ≈ 1, κ ≈ 0.95) 2, at β = 100, κ = 0.05 3.
 */
export interface SoftTopKProblem32 {
  /** v_j ≥ 0, finite (checked through the first histogram). */
  values: Float32Array;
  /** c_j > 0, or null for unit costs. */
  costs: Float32Array | null;
  /** Σ_j c_j. */
  totalCost: number;
  /** K, 0 ≤ K ≤ Σc. */
  budget: number;
  /** β > 0. */
  beta: number;
  /**
   * The 1×1 layers `values` comes from (unit costs only): the solve writes values = scale·|w| itself, in the
   * pass that narrows the hard threshold (hardThreshold.ts), instead of a pass of its own.
   */
  sources?: readonly ValueSource[];
}

/** The arguments of a mask pass (kernels.spartanMaskPass) that stay fixed while μ is solved. */
interface MaskPassEntries {
  values: Float32Array;
  costs: Float32Array | null;
  n: number;
  beta: number;
  threshold: number;
  boundary: number;
}

export interface SoftTopKMasks {
  /** m, one per entry. */
  soft: Float32Array;
  /** m ⊙ h. */
  effective: Float32Array;
}

export interface SoftTopKSolution {
  /** μ in m_j = σ(β(u_j − τ) + μ); ±∞ for κ = 1 and κ = 0. */
  mu: number;
  /** τ = u_{t*}; +∞ when nothing is kept, −∞ when everything is. */
  threshold: number;
  /** Mask passes (evaluations of Σ c m); 0 when κ is 0 or 1. */
  passes: number;
  /** |Σ_j c_j m_j − K| / K of the written mask (0 when K = 0). */
  budgetError: number;
  /** Σ_j c_j m_j (1 − m_j) of the written mask: the implicit gradient's denominator (0 when κ is 0 or 1). */
  slope: number;
}

const TARGET = 1e-7;
const CONTRACT = 1e-6;
const WRITE_FROM = 1e-3;
const MAX_PASSES = 100;
/**
 * A writing pass reuses the exponentials of the read-only pass before it (kernels.spartanMaskPass, ratio > 0)
 * when μ moved by at most this: e^{±20} keeps e_j·ratio clear of float32 overflow and of the clamps.
 */
const STORED_SHIFT_LIMIT = 20;
const HISTOGRAM_FLOATS = 4 * 2048;
/** The band of the hard threshold holds ~2% of the entries at κ = 0.1 (thresholdBand.ts); room for 1/16. */
const BAND_FRACTION = 1 / 16;

export class SoftTopKSolver {
  private readonly histogram: Float64Array;
  private readonly sums: Float64Array;
  private readonly scratch: Float32Array;
  /** The hard threshold's band of values: grown (never shrunk) to BAND_FRACTION of the largest problem. */
  private band: Float32Array;
  /** The unit values of sampledShift's sample. */
  private readonly sample: Float32Array;

  constructor() {
    const { heap } = engine();
    this.scratch = heap.allocF32(2 * (HISTOGRAM_FLOATS + 4));
    const { buffer, byteOffset } = this.scratch;
    const start = byteOffset + ((8 - (byteOffset % 8)) % 8);
    this.histogram = new Float64Array(buffer, start, HISTOGRAM_FLOATS);
    this.sums = new Float64Array(buffer, start + 8 * HISTOGRAM_FLOATS, 3);
    this.band = heap.allocF32(4);
    this.sample = heap.allocF32(SAMPLE_SIZE);
  }

  /** Writes m and m ⊙ h for `problem` into `masks` (each at least as long as the values). */
  solve(problem: SoftTopKProblem32, masks: SoftTopKMasks, caller = 'softTopK'): SoftTopKSolution {
    const { values, costs, totalCost, budget, beta } = problem;
    const { soft, effective } = masks;
    const n = values.length;
    if (budget <= 0) {
      soft.fill(0, 0, n);
      effective.fill(0, 0, n);
      return {
        mu: Number.NEGATIVE_INFINITY,
        threshold: Number.POSITIVE_INFINITY,
        passes: 0,
        budgetError: 0,
        slope: 0,
      };
    }
    if (budget >= totalCost) {
      soft.fill(1, 0, n);
      effective.fill(1, 0, n);
      return {
        mu: Number.POSITIVE_INFINITY,
        threshold: Number.NEGATIVE_INFINITY,
        passes: 0,
        budgetError: 0,
        slope: 0,
      };
    }
    if (budget < SMALLEST_BUDGET_FRACTION * totalCost) {
      throw new Error(
        `${caller}: budget = ${budget} is below ${SMALLEST_BUDGET_FRACTION} of the total cost ${totalCost}: pass budget 0 for an empty mask`,
      );
    }
    const { kernels } = engine();
    // The hard mask's threshold and tie boundary, and bounds of u for the bracket of μ.
    const capacity = Math.ceil(BAND_FRACTION * n);
    if (this.band.length < capacity) {
      engine().heap.free(this.band);
      this.band = engine().heap.allocF32(capacity, false);
    }
    const scratch = { histogram: this.histogram, sums: this.sums, band: this.band };
    const hard = hardThreshold(kernels, values, costs, n, budget, scratch, caller, problem.sources);
    const { threshold, boundary } = hard;
    let { lo, hi } = shiftBracket(
      budget,
      totalCost,
      beta * (hard.highest - threshold),
      beta * (hard.lowest - threshold),
    );
    lo = Math.max(lo, -SHIFT_LIMIT);
    hi = Math.min(hi, SHIFT_LIMIT);
    const keptFraction = budget / totalCost;
    const guess =
      costs === null
        ? this.sampledShift(values, keptFraction, beta, threshold)
        : sampledShift(values, costs, keptFraction, beta, threshold);
    const entries = { values, costs, n, beta, threshold, boundary };
    const solution = this.shift(entries, budget, lo, hi, guess, masks);
    return {
      mu: solution.mu,
      threshold,
      passes: solution.passes,
      budgetError: solution.error / budget,
      slope: solution.slope,
    };
  }

  /**
   * sampledShift.ts's first guess for unit costs, with the sample's own solve in WebAssembly (this.shift on a
   * heap copy of the sample): μ of the sample when it differs from 0 by more than four standard errors, else 0.
   * For unit costs Σ m² = Σ m − Σ m(1 − m), so the passes' sums give the standard error.
   */
  private sampledShift(values: Float32Array, keptFraction: number, beta: number, threshold: number): number {
    const n = values.length;
    if (n <= SAMPLE_SIZE) return 0;
    const s = SAMPLE_SIZE;
    const sample = this.sample;
    let largest = Number.NEGATIVE_INFINITY;
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < s; i++) {
      const u = values[goldenSamplePosition(i, n)];
      sample[i] = u;
      largest = Math.max(largest, u);
      smallest = Math.min(smallest, u);
    }
    const budget = keptFraction * s;
    const { lo, hi } = shiftBracket(budget, s, beta * (largest - threshold), beta * (smallest - threshold));
    const entries = { values: sample, costs: null, n: s, beta, threshold, boundary: -1 };
    const { mu, kept, slope } = this.shift(entries, budget, lo, hi, 0, null);
    const variance = Math.max(0, (kept - slope) / s - (kept / s) ** 2);
    return Math.abs(mu) > (4 * Math.sqrt(s * variance)) / slope ? mu : 0;
  }

  /**
   * μ by safeguarded Halley passes from `guess` within [lo, hi] (see the file comment). With `masks` the last
   * pass writes them at the returned μ; without, every pass is read-only.
   */
  private shift(
    entries: MaskPassEntries,
    budget: number,
    lo: number,
    hi: number,
    guess: number,
    masks: SoftTopKMasks | null,
  ): { mu: number; passes: number; error: number; kept: number; slope: number } {
    const { kernels } = engine();
    const { values, costs, n, beta, threshold, boundary } = entries;
    const sums = this.sums;
    let mu = Math.fround(Math.min(hi, Math.max(lo, guess)));
    let writing = false;
    let previousError = Number.POSITIVE_INFINITY;
    let lastStep = hi - lo;
    let stepBeforeLast = lastStep;
    /** μ of the e^{−(z_j + μ)} that the last read-only pass left in `soft`; null once soft holds m. */
    let storedMu: number | null = null;
    for (let passes = 1; ; passes++) {
      // A writing pass reuses the read-only pass's exponentials (left in soft) when μ moved little.
      const write = writing && masks !== null;
      const stored = write && storedMu !== null && Math.abs(storedMu - mu) <= STORED_SHIFT_LIMIT;
      const [soft, effective] = write ? [masks.soft, masks.effective] : [null, null];
      const exponentials = write ? (stored ? masks.soft : null) : (masks?.soft ?? null);
      const ratio = stored ? Math.exp(storedMu! - mu) : 0;
      kernels.spartanMaskPass({
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
      });
      storedMu = write ? null : mu;
      const excess = sums[0] - budget;
      const error = Math.abs(excess);
      const settled =
        error <= TARGET * budget ||
        (error <= CONTRACT * budget && error > previousError / 2) ||
        passes >= MAX_PASSES ||
        !(hi > lo);
      if (settled && (writing || !masks)) return { mu, passes, error, kept: sums[0], slope: sums[1] };
      if (settled) {
        writing = true;
        continue;
      }
      previousError = error;
      if (excess < 0) lo = mu;
      else hi = mu;
      const slope = sums[1];
      const halley = 2 * slope * slope - excess * sums[2];
      const step = halley > 0 ? (2 * excess * slope) / halley : excess / slope;
      let next = mu - step;
      if (!(next > lo && next < hi) || Math.abs(step) > Math.abs(stepBeforeLast) / 2)
        next = lo + (hi - lo) / 2;
      next = Math.fround(next);
      stepBeforeLast = lastStep;
      lastStep = mu - next;
      if (next === mu) {
        // μ cannot move in float32: this is the root to the masks' precision.
        writing = true;
        hi = lo;
        continue;
      }
      mu = next;
      writing = error <= WRITE_FROM * budget;
    }
  }

  /** Bytes of kernel-heap scratch a solve of `n` entries holds (histograms, sums, the sample, the band). */
  scratchBytes(n: number): number {
    return 4 * (this.scratch.length + this.sample.length + Math.max(4, Math.ceil(BAND_FRACTION * n)));
  }

  dispose(): void {
    const { heap } = engine();
    for (const view of [this.scratch, this.band, this.sample]) heap.free(view);
  }
}
