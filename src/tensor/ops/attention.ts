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
 * The blocks are gathered into contiguous [B, heads, d_h, T] buffers (Kernels.gatherSequences) so every product
 * is one dense matmul kernel call of T×d_h×T (the masked half of S is computed and discarded: simpler, and
 * still the fast kernel); the masked softmax and its backward are kernels too (causalSoftmax). P and the
 * gathered Q, K, V are kept for the backward.
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
  const B = columns / length;
  const T = length;
  const dh = d / heads;
  const blocks = B * heads;
  const blockSize = dh * T;
  const scale = 1 / Math.sqrt(dh);
  const { heap, kernels } = engine();
  const gather = (x: Float32Array): Float32Array => {
    const out = engine().heap.allocF32(d * columns, false);
    engine().kernels.gatherSequences(x, out, d, T, B);
    return out;
  };
  const block = (a: Float32Array, i: number) => a.subarray(i * blockSize, (i + 1) * blockSize);
  const square = (a: Float32Array, i: number) => a.subarray(i * T * T, (i + 1) * T * T);
  const [qs, ks, vs] = [q, k, v].map((t) => gather(t.data));
  const probs = heap.allocF32(blocks * T * T, false);
  for (let i = 0; i < blocks; i++)
    kernels.matmul(block(qs, i), block(ks, i), square(probs, i), T, dh, T, true, false, false);
  kernels.causalSoftmax(probs, T, blocks, scale);
  const outs = heap.allocF32(d * columns, false);
  for (let i = 0; i < blocks; i++)
    kernels.matmul(block(vs, i), square(probs, i), block(outs, i), dh, T, T, false, true, false);
  const y = createOutput('causalSelfAttention', [d, columns], [q, k, v], { overwritten: true });
  kernels.scatterSequences(outs, y.data, d, T, B, false);
  heap.free(outs);
  recordBackward(
    y,
    (dy) => {
      const { heap: h, kernels: kn } = engine();
      const douts = gather(dy);
      const [dqs, dks, dvs] = [0, 1, 2].map(() => h.allocF32(d * columns, false));
      const dp = h.allocF32(blocks * T * T, false);
      for (let i = 0; i < blocks; i++) {
        kn.matmul(block(douts, i), square(probs, i), block(dvs, i), dh, T, T, false, false, false);
        kn.matmul(block(douts, i), block(vs, i), square(dp, i), T, dh, T, true, false, false);
      }
      kn.causalSoftmaxBackward(probs, dp, T, blocks, scale);
      for (let i = 0; i < blocks; i++) {
        kn.matmul(block(ks, i), square(dp, i), block(dqs, i), dh, T, T, false, true, false);
        kn.matmul(block(qs, i), square(dp, i), block(dks, i), dh, T, T, false, false, false);
      }
      for (const [input, grads] of [
        [q, dqs],
        [k, dks],
        [v, dvs],
      ] as const) {
        if (input.requiresGrad) kn.scatterSequences(grads, input.ensureGrad(), d, T, B, true);
      }
      for (const a of [douts, dqs, dks, dvs, dp]) h.free(a);
    },
    [qs, ks, vs, probs],
  );
  return y;
}
