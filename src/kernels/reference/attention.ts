/**
 * Causal self-attention kernels (see the Kernels contract), written as the definition: the layout change
 * between position-major activations [d, T·B] and sequence-major head blocks [B, heads, T, d_h], and attention
 * on those blocks with the probabilities stored as causal row tiles (see causalProbsSize).
 */
import type { KernelArgs } from '../kernels.js';
import { ATTENTION_TILE, causalProbsSize } from '../kernels.js';

/** Index in the blocks [B, heads, T, d_h] of x[f, c], c = t·B + b. */
function headIndex(f: number, c: number, length: number, batch: number, headDim: number, heads: number) {
  const h = Math.floor(f / headDim);
  const t = Math.floor(c / batch);
  const b = c - t * batch;
  return ((b * heads + h) * length + t) * headDim + (f - h * headDim);
}

export function gatherHeads({ x, out, d, length, batch, heads }: KernelArgs<'gatherHeads'>): void {
  const n = length * batch;
  for (let f = 0; f < d; f++) {
    for (let c = 0; c < n; c++) out[headIndex(f, c, length, batch, d / heads, heads)] = x[f * n + c];
  }
}

export function scatterHeads({
  blocks,
  x,
  d,
  length,
  batch,
  heads,
  accumulate,
}: KernelArgs<'scatterHeads'>): void {
  const n = length * batch;
  for (let f = 0; f < d; f++) {
    for (let c = 0; c < n; c++) {
      const value = blocks[headIndex(f, c, length, batch, d / heads, heads)];
      x[f * n + c] = accumulate ? x[f * n + c] + value : value;
    }
  }
}

/** Calls visit(r0, r1, offset) for each row tile [r0, r1) of a block, offset = where its scores start. */
function forEachTile(length: number, visit: (r0: number, r1: number, offset: number) => void): void {
  let offset = 0;
  for (let r0 = 0; r0 < length; r0 += ATTENTION_TILE) {
    const r1 = Math.min(r0 + ATTENTION_TILE, length);
    visit(r0, r1, offset);
    offset += (r1 - r0) * r1;
  }
}

export function causalAttention({
  q,
  k,
  v,
  probs,
  out,
  length,
  headDim,
  blocks,
  scale,
}: KernelArgs<'causalAttention'>): void {
  const blockSize = length * headDim;
  const probsSize = causalProbsSize(length);
  for (let i = 0; i < blocks; i++) {
    const base = i * blockSize;
    forEachTile(length, (r0, r1, tileOffset) => {
      for (let t = r0; t < r1; t++) {
        const row = i * probsSize + tileOffset + (t - r0) * r1;
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let j = 0; j < headDim; j++) dot += q[base + t * headDim + j] * k[base + s * headDim + j];
          probs[row + s] = dot;
          max = Math.max(max, dot);
        }
        let total = 0;
        for (let s = 0; s <= t; s++) {
          probs[row + s] = Math.exp(scale * (probs[row + s] - max));
          total += probs[row + s];
        }
        for (let s = 0; s <= t; s++) probs[row + s] /= total;
        probs.fill(0, row + t + 1, row + r1);
        for (let j = 0; j < headDim; j++) {
          let value = 0;
          for (let s = 0; s <= t; s++) value += probs[row + s] * v[base + s * headDim + j];
          out[base + t * headDim + j] = value;
        }
      }
    });
  }
}

export function causalAttentionBackward({
  q,
  k,
  v,
  probs,
  dout,
  dq,
  dk,
  dv,
  scratch,
  length,
  headDim,
  blocks,
  scale,
}: KernelArgs<'causalAttentionBackward'>): void {
  const blockSize = length * headDim;
  const probsSize = causalProbsSize(length);
  dk.fill(0, 0, blocks * blockSize);
  dv.fill(0, 0, blocks * blockSize);
  for (let i = 0; i < blocks; i++) {
    const base = i * blockSize;
    forEachTile(length, (r0, r1, tileOffset) => {
      for (let t = r0; t < r1; t++) {
        const row = i * probsSize + tileOffset + (t - r0) * r1;
        const dO = base + t * headDim;
        // dP[t, s] = dO_t · V_s, dV_s += P[t, s]·dO_t, then dS = scale·P ⊙ (dP − Σ P ⊙ dP).
        let dot = 0;
        for (let s = 0; s <= t; s++) {
          let dp = 0;
          for (let j = 0; j < headDim; j++) {
            dp += dout[dO + j] * v[base + s * headDim + j];
            dv[base + s * headDim + j] += probs[row + s] * dout[dO + j];
          }
          scratch[s] = dp;
          dot += probs[row + s] * dp;
        }
        for (let j = 0; j < headDim; j++) dq[dO + j] = 0;
        for (let s = 0; s <= t; s++) {
          const ds = scale * probs[row + s] * (scratch[s] - dot);
          for (let j = 0; j < headDim; j++) {
            dq[dO + j] += ds * k[base + s * headDim + j];
            dk[base + s * headDim + j] += ds * q[dO + j];
          }
        }
      }
    });
  }
}
