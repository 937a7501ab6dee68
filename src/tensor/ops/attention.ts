import { engine } from '../../kernels/engine.js';
import { causalProbsSize } from '../../kernels/kernels.js';
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
 * The blocks are gathered into contiguous [B, heads, T, d_h] buffers (Kernels.gatherHeads) and one kernel call
 * each way runs every (sequence, head) block (Kernels.causalAttention): it computes only the causal part of S,
 * in row tiles of 16 positions that meet the keys up to the tile's end (56% of T² at T = 128, instead of all
 * of it), and so do its gradients. P and the gathered Q, K, V are kept for the backward.
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
  const scale = 1 / Math.sqrt(dh);
  const { heap, kernels } = engine();
  const gather = (x: Float32Array): Float32Array => {
    const out = engine().heap.allocF32(d * columns, false);
    engine().kernels.gatherHeads({ x, out, d, length: T, batch: B, heads });
    return out;
  };
  const [qs, ks, vs] = [q, k, v].map((t) => gather(t.data));
  const probs = heap.allocF32(blocks * causalProbsSize(T), false);
  const outs = heap.allocF32(d * columns, false);
  kernels.causalAttention({ q: qs, k: ks, v: vs, probs, out: outs, length: T, headDim: dh, blocks, scale });
  const y = createOutput('causalSelfAttention', [d, columns], [q, k, v], { overwritten: true });
  kernels.scatterHeads({ blocks: outs, x: y.data, d, length: T, batch: B, heads, accumulate: false });
  heap.free(outs);
  recordBackward(
    y,
    (dy) => {
      const { heap: h, kernels: kn } = engine();
      const douts = gather(dy);
      const [dqs, dks, dvs] = [0, 1, 2].map(() => h.allocF32(d * columns, false));
      const scratch = h.allocF32(3 * causalProbsSize(T), false);
      kn.causalAttentionBackward({
        q: qs,
        k: ks,
        v: vs,
        probs,
        dout: douts,
        dq: dqs,
        dk: dks,
        dv: dvs,
        scratch,
        length: T,
        headDim: dh,
        blocks,
        scale,
      });
      for (const [input, grads] of [
        [q, dqs],
        [k, dks],
        [v, dvs],
      ] as const) {
        if (input.requiresGrad) {
          const accumulate = input.grad !== null;
          kn.scatterHeads({
            blocks: grads,
            x: input.ensureGrad(false),
            d,
            length: T,
            batch: B,
            heads,
            accumulate,
          });
        }
      }
      for (const a of [douts, dqs, dks, dvs, scratch]) h.free(a);
    },
    [qs, ks, vs, probs],
  );
  return y;
}
