// Spartan's per-weight passes around the soft top-k, for 1×1 blocks (entry j is weight j): the block values,
// the backward of W_eff = W ⊙ m ⊙ h, and the implicit gradient of the soft top-k (Tai, Tian, Lim,
// arXiv:2205.14107, §3.2–3.3; spec/spartan.md). See src/spartan/ for the math; `costs` = 0 means unit costs.
import { SPARTAN_CHUNK, SUM_BLOCK, Sums } from './spartanSums';

/** out = scale·|w|: the values v_j = Σ|w| of 1×1 blocks (scale: β_l/β of a mixed global budget, else 1). */
export function spartanValues(w: usize, out: usize, n: i32, scale: f32): void {
  const s = f32x4.splat(scale);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    v128.store(out + at, f32x4.mul(f32x4.abs(v128.load(w + at)), s));
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    store<f32>(out + at, Mathf.abs(load<f32>(w + at)) * scale);
  }
}

/**
 * The backward of W_eff = W ⊙ m ⊙ h (straight-through on h): grad += dy ⊙ m and upstream += dy ⊙ W, whose
 * block sums are ∂L/∂m; either is skipped when its pointer is 0.
 */
export function spartanMaskBackward(
  dy: usize,
  w: usize,
  soft: usize,
  grad: usize,
  upstream: usize,
  n: i32,
): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = (<usize>i) << 2;
    const d = v128.load(dy + at);
    if (grad !== 0)
      v128.store(grad + at, f32x4.add(v128.load(grad + at), f32x4.mul(d, v128.load(soft + at))));
    if (upstream !== 0) {
      v128.store(upstream + at, f32x4.add(v128.load(upstream + at), f32x4.mul(d, v128.load(w + at))));
    }
  }
  for (; i < n; i++) {
    const at = (<usize>i) << 2;
    const d = load<f32>(dy + at);
    if (grad !== 0) store<f32>(grad + at, load<f32>(grad + at) + d * load<f32>(soft + at));
    if (upstream !== 0) store<f32>(upstream + at, load<f32>(upstream + at) + d * load<f32>(w + at));
  }
}

/**
 * The soft top-k path to the weights: grad_j += sign(w_j)·β·a_j·(γ_j / c_j − s), with a_j = m_j(1 − m_j),
 * γ_j = upstream_j and s = Σ γ a / Σ c a; then upstream is zeroed for the next step's accumulation. With
 * upstream 0, γ = 0: the −s term alone (after spartanSoftMaskBackward added the γ term).
 */
export function spartanApplyGradient(
  w: usize,
  grad: usize,
  soft: usize,
  upstream: usize,
  costs: usize,
  n: i32,
  beta: f32,
  s: f32,
): void {
  ApplyGradient.range(w, grad, soft, upstream, costs, 0, n, beta, s);
}

/** spartanApplyGradient over entries [i0, i1) (for worker threads; β and s as their float32 bits). */
export function spartanApplyGradientRange(
  w: usize,
  grad: usize,
  soft: usize,
  upstream: usize,
  costs: usize,
  betaBits: i32,
  sBits: i32,
  i0: i32,
  i1: i32,
): void {
  ApplyGradient.range(
    w,
    grad,
    soft,
    upstream,
    costs,
    i0,
    i1,
    reinterpret<f32>(betaBits),
    reinterpret<f32>(sBits),
  );
}

class ApplyGradient {
  @inline
  static range(
    w: usize,
    grad: usize,
    soft: usize,
    upstream: usize,
    costs: usize,
    i0: i32,
    i1: i32,
    beta: f32,
    s: f32,
  ): void {
    const betaLanes = f32x4.splat(beta);
    const sLanes = f32x4.splat(s);
    const zero = f32x4.splat(0);
    let i = i0;
    for (; i + 4 <= i1; i += 4) {
      const at = (<usize>i) << 2;
      const m = v128.load(soft + at);
      const gamma = upstream === 0 ? zero : v128.load(upstream + at);
      const perCost = costs === 0 ? gamma : f32x4.div(gamma, v128.load(costs + at));
      const g = f32x4.mul(f32x4.mul(betaLanes, f32x4.sub(m, f32x4.mul(m, m))), f32x4.sub(perCost, sLanes));
      const weight = v128.load(w + at);
      const signed = f32x4.sub(v128.and(g, f32x4.gt(weight, zero)), v128.and(g, f32x4.lt(weight, zero)));
      v128.store(grad + at, f32x4.add(v128.load(grad + at), signed));
      if (upstream !== 0) v128.store(upstream + at, zero);
    }
    for (; i < i1; i++) {
      const at = (<usize>i) << 2;
      const m = load<f32>(soft + at);
      const gamma: f32 = upstream === 0 ? 0 : load<f32>(upstream + at);
      const perCost = costs === 0 ? gamma : gamma / load<f32>(costs + at);
      const g = beta * (m - m * m) * (perCost - s);
      const weight = load<f32>(w + at);
      const signed: f32 = weight > 0 ? g : weight < 0 ? -g : 0;
      store<f32>(grad + at, load<f32>(grad + at) + signed);
      if (upstream !== 0) store<f32>(upstream + at, 0);
    }
  }
}

/**
 * The backward of W_eff = W ⊙ m ⊙ h for 1×1 blocks, with the part of the soft top-k's implicit gradient that
 * needs no global sum: with γ_i = dy_i·w_i (= ∂L/∂m_i) and a_i = m_i(1 − m_i), the weight's gradient is
 * dy ⊙ m + sign(w)·β·a·(γ/c − s), and sign(w_i)·γ_i = dy_i·|w_i|, so this pass adds
 * grad += dy ⊙ (m + β·a·|w|/c) and returns Σ γ a (float32 within blocks, float64 across); the −β·a·s·sign(w)
 * term follows once s = Σ γ a / Σ c a is known (spartanApplyGradient without upstream).
 */
export function spartanSoftMaskBackward(
  dy: usize,
  w: usize,
  soft: usize,
  grad: usize,
  costs: usize,
  n: i32,
  beta: f32,
): f64 {
  // Chunk by chunk, the totals added in order: spartanSoftMaskBackwardChunks on threads gives the same bits.
  let total: f64 = 0;
  for (let i0 = 0; i0 < n; i0 += SPARTAN_CHUNK) {
    total += SoftMaskBackward.chunk(dy, w, soft, grad, costs, i0, min(n, i0 + SPARTAN_CHUNK), beta);
  }
  return total;
}

/**
 * Chunks [c0, c1) of a spartanSoftMaskBackward (for worker threads; β as its float32 bits): chunk c's Σ γ a
 * goes to partials + 8c.
 */
export function spartanSoftMaskBackwardChunks(
  dy: usize,
  w: usize,
  soft: usize,
  grad: usize,
  costs: usize,
  n: i32,
  betaBits: i32,
  partials: usize,
  c0: i32,
  c1: i32,
): void {
  const beta = reinterpret<f32>(betaBits);
  for (let c = c0; c < c1; c++) {
    const i0 = c * SPARTAN_CHUNK;
    const total = SoftMaskBackward.chunk(dy, w, soft, grad, costs, i0, min(n, i0 + SPARTAN_CHUNK), beta);
    store<f64>(partials + 8 * <usize>c, total);
  }
}

/** spartanSoftMaskBackward over weights [i0, i1) (i0 a multiple of SUM_BLOCK); returns its Σ γ a. */
class SoftMaskBackward {
  @inline
  static chunk(
    dy: usize,
    w: usize,
    soft: usize,
    grad: usize,
    costs: usize,
    i0: i32,
    i1: i32,
    beta: f32,
  ): f64 {
    const betaLanes = f32x4.splat(beta);
    let weighted = f64x2.splat(0);
    let i = i0;
    const vectorEnd = i0 + ((i1 - i0) & ~3);
    while (i < vectorEnd) {
      const blockEnd = min(vectorEnd, i + SUM_BLOCK);
      let blockWeighted = f32x4.splat(0);
      for (; i < blockEnd; i += 4) {
        const at = (<usize>i) << 2;
        const d = v128.load(dy + at);
        const weight = v128.load(w + at);
        const m = v128.load(soft + at);
        const a = f32x4.sub(m, f32x4.mul(m, m));
        const magnitude = f32x4.abs(weight);
        const perCost = costs === 0 ? magnitude : f32x4.div(magnitude, v128.load(costs + at));
        const factor = f32x4.add(m, f32x4.mul(f32x4.mul(betaLanes, a), perCost));
        v128.store(grad + at, f32x4.add(v128.load(grad + at), f32x4.mul(d, factor)));
        blockWeighted = f32x4.add(blockWeighted, f32x4.mul(f32x4.mul(d, weight), a));
      }
      weighted = f64x2.add(weighted, Sums.widenedPairs(blockWeighted));
    }
    let total = f64x2.extract_lane(weighted, 0) + f64x2.extract_lane(weighted, 1);
    for (; i < i1; i++) {
      const at = (<usize>i) << 2;
      const d = load<f32>(dy + at);
      const weight = load<f32>(w + at);
      const m = load<f32>(soft + at);
      const a = m - m * m;
      const perCost = costs === 0 ? Mathf.abs(weight) : Mathf.abs(weight) / load<f32>(costs + at);
      store<f32>(grad + at, load<f32>(grad + at) + d * (m + beta * a * perCost));
      total += <f64>(d * weight * a);
    }
    return total;
  }
}
