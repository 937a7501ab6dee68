import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/**
 * Causal multi-head scaled dot-product attention (Vaswani et al. 2017, §3.2) on projected queries, keys and
 * values q, k, v [d, T·B]: B sequences of length T, column c = t·B + b (position-major: the columns of
 * one position are contiguous, the layout of token ids [T, B] read row-major). Head h owns features
 * h·d_h .. (h+1)·d_h − 1, d_h = d / heads. Per sequence b and head h, with Q, K, V its [d_h, T] blocks:
 *   S = QᵀK / √d_h,  P[t, s] = exp(S[t, s]) / Σ_{s' ≤ t} exp(S[t, s'])  for s ≤ t, and 0 for s > t (causal),
 *   O = V·Pᵀ  (O[:, t] = Σ_{s ≤ t} P[t, s] V[:, s]).
 * Gradients, with dO the upstream block:
 *   dV = dO·P,  dP = dOᵀ·V,  dS[t, s] = P[t, s] (dP[t, s] − Σ_s' P[t, s'] dP[t, s']) / √d_h,
 *   dQ = K·dSᵀ,  dK = Q·dS.
 * The blocks are gathered into contiguous [B, heads, d_h, T] buffers so every product is one dense matmul
 * kernel call of T×d_h×T (the masked half of S is computed and discarded: simpler, and still the fast kernel).
 * P and the gathered Q, K, V are kept for the backward.
 */
export function causalSelfAttention(q: Tensor, k: Tensor, v: Tensor, heads: number, length: number): Tensor {
  for (const [name, t] of [
    ['k', k],
    ['v', v],
  ] as const) {
    if (t.shape.length !== 2 || t.shape[0] !== q.shape[0] || t.shape[1] !== q.shape[1]) {
      throw new Error(
        `causalSelfAttention: q ${formatShape(q.shape)} and ${name} ${formatShape(t.shape)} must have the same shape [d, T·B]`,
      );
    }
  }
  const [d, columns] = q.shape;
  if (!Number.isInteger(heads) || heads < 1 || d % heads !== 0) {
    throw new Error(
      `causalSelfAttention: ${heads} heads do not divide the ${d} features; pick a divisor of ${d}`,
    );
  }
  if (!Number.isInteger(length) || length < 1 || columns % length !== 0) {
    throw new Error(
      `causalSelfAttention: ${columns} columns are not whole sequences of length ${length}; give T·B columns`,
    );
  }
  const geometry: HeadGeometry = { d, length, batch: columns / length, headDim: d / heads };
  const { heap, kernels } = engine();
  const qs = gatherHeads(q.data, geometry);
  const ks = gatherHeads(k.data, geometry);
  const vs = gatherHeads(v.data, geometry);
  const blocks = geometry.batch * heads;
  const T = length;
  const dh = geometry.headDim;
  const probs = heap.allocF32(blocks * T * T, false);
  const outs = heap.allocF32(d * columns, false);
  const scale = 1 / Math.sqrt(dh);
  for (let block = 0; block < blocks; block++) {
    const [qb, kb, vb, ob] = [qs, ks, vs, outs].map((a) => a.subarray(block * dh * T, (block + 1) * dh * T));
    const p = probs.subarray(block * T * T, (block + 1) * T * T);
    kernels.matmul(qb, kb, p, T, dh, T, true, false, false);
    causalSoftmaxRows(p, T, scale);
    kernels.matmul(vb, p, ob, dh, T, T, false, true, false);
  }
  const y = createOutput('causalSelfAttention', [d, columns], [q, k, v], { overwritten: true });
  scatterHeads(outs, y.data, geometry, false);
  heap.free(outs);
  recordBackward(
    y,
    (dy) => {
      const { heap: h, kernels: kn } = engine();
      const douts = gatherHeads(dy, geometry);
      const dqs = h.allocF32(d * columns, false);
      const dks = h.allocF32(d * columns, false);
      const dvs = h.allocF32(d * columns, false);
      const dp = h.allocF32(T * T, false);
      for (let block = 0; block < blocks; block++) {
        const range = [block * dh * T, (block + 1) * dh * T] as const;
        const [qb, kb, vb, dob, dqb, dkb, dvb] = [qs, ks, vs, douts, dqs, dks, dvs].map((a) =>
          a.subarray(...range),
        );
        const p = probs.subarray(block * T * T, (block + 1) * T * T);
        kn.matmul(dob, p, dvb, dh, T, T, false, false, false);
        kn.matmul(dob, vb, dp, T, dh, T, true, false, false);
        softmaxRowsBackward(p, dp, T, scale);
        kn.matmul(kb, dp, dqb, dh, T, T, false, true, false);
        kn.matmul(qb, dp, dkb, dh, T, T, false, false, false);
      }
      if (q.requiresGrad) scatterHeads(dqs, q.ensureGrad(), geometry, true);
      if (k.requiresGrad) scatterHeads(dks, k.ensureGrad(), geometry, true);
      if (v.requiresGrad) scatterHeads(dvs, v.ensureGrad(), geometry, true);
      for (const a of [douts, dqs, dks, dvs, dp]) h.free(a);
    },
    [qs, ks, vs, probs],
  );
  return y;
}

interface HeadGeometry {
  d: number;
  length: number;
  batch: number;
  headDim: number;
}

/**
 * Copies x [d, T·B] (column t·B + b) into a new heap array [B, heads, d_h, T]: feature f = h·d_h + i of
 * sequence b at position t goes to ((b·heads + h)·d_h + i)·T + t, that is [B, d, T] since h·d_h + i = f.
 */
function gatherHeads(x: Float32Array, { d, length: T, batch: B }: HeadGeometry): Float32Array {
  const out = engine().heap.allocF32(d * T * B, false);
  for (let f = 0; f < d; f++) {
    for (let t = 0; t < T; t++) {
      const from = f * T * B + t * B;
      for (let b = 0; b < B; b++) out[(b * d + f) * T + t] = x[from + b];
    }
  }
  return out;
}

/** The inverse of gatherHeads: writes (or adds, with `accumulate`) [B, heads, d_h, T] into x [d, T·B]. */
function scatterHeads(
  gathered: Float32Array,
  x: Float32Array,
  { d, length: T, batch: B }: HeadGeometry,
  accumulate: boolean,
): void {
  for (let f = 0; f < d; f++) {
    for (let t = 0; t < T; t++) {
      const to = f * T * B + t * B;
      for (let b = 0; b < B; b++) {
        const value = gathered[(b * d + f) * T + t];
        x[to + b] = accumulate ? x[to + b] + value : value;
      }
    }
  }
}

/** In place on scores [T, T]: row t becomes softmax(scale · s[t, 0..t]) and zeros after position t. */
function causalSoftmaxRows(s: Float32Array, T: number, scale: number): void {
  for (let t = 0; t < T; t++) {
    const row = t * T;
    let max = -Infinity;
    for (let j = 0; j <= t; j++) max = Math.max(max, s[row + j]);
    let total = 0;
    for (let j = 0; j <= t; j++) {
      const e = Math.exp(scale * (s[row + j] - max));
      s[row + j] = e;
      total += e;
    }
    const inverse = 1 / total;
    for (let j = 0; j <= t; j++) s[row + j] *= inverse;
    s.fill(0, row + t + 1, row + T);
  }
}

/** In place on dp [T, T]: dS = P ⊙ (dP − rowsum(P ⊙ dP)) · scale (zero where P is masked). */
function softmaxRowsBackward(p: Float32Array, dp: Float32Array, T: number, scale: number): void {
  for (let t = 0; t < T; t++) {
    const row = t * T;
    let dot = 0;
    for (let j = 0; j <= t; j++) dot += p[row + j] * dp[row + j];
    for (let j = 0; j <= t; j++) dp[row + j] = scale * p[row + j] * (dp[row + j] - dot);
    dp.fill(0, row + t + 1, row + T);
  }
}
