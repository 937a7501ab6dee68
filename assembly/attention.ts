// Causal self-attention on sequence-major head blocks (see the Kernels contract): for each block (one sequence,
// one head) with Q, K, V [T×d_h] (row t = position t),
//   S = Q·Kᵀ,  P[t, s] = softmax_s(scale·S[t, 0..t]) for s ≤ t and 0 for s > t,  O = P·V,
// and the gradients dV = Pᵀ·dO, dP = dO·Vᵀ, dS = scale·P ⊙ (dP − rowsum(P ⊙ dP)), dQ = dS·K, dK = dSᵀ·Q.
//
// The masked half is skipped: the rows run in tiles of ATTENTION_TILE positions, and tile [r0, r1) only
// meets the keys 0..r1−1, so its scores are a [rows × r1] block. P is stored as those blocks one after the
// other (causalProbsSize floats per sequence-head block), so every product is one contiguous matmul call. At
// T = 128 with tiles of 16 this computes 56% of the T×T scores (the full matrix: 100%, the triangle: 50%).
import { Exp } from './exp';
import { matmulRows } from './matmul';
import { storeTransposed4x4 } from './simd';

/** Positions per row tile of the score matrix (ATTENTION_TILE in src/kernels/kernels.ts). */
const ATTENTION_TILE: i32 = 16;

/** Floats of one block's probabilities: Σ over row tiles [r0, r1) of (r1 − r0)·r1. */
function causalProbsSize(length: i32): i32 {
  let size = 0;
  for (let r0 = 0; r0 < length; r0 += ATTENTION_TILE) {
    const r1 = min(r0 + ATTENTION_TILE, length);
    size += (r1 - r0) * r1;
  }
  return size;
}

/** Horizontal sum of four lanes, in the order (l0 + l1) + (l2 + l3). */
function laneSum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

/** In place on one row of `width` scores: softmax(scale·s[0..count)) followed by zeros (count ≤ width). */
function softmaxPrefix(row: usize, count: i32, width: i32, scale: f32): void {
  let maxV = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= count; j += 4) maxV = f32x4.pmax(maxV, v128.load(row + ((<usize>j) << 2)));
  let max = Mathf.max(
    Mathf.max(f32x4.extract_lane(maxV, 0), f32x4.extract_lane(maxV, 1)),
    Mathf.max(f32x4.extract_lane(maxV, 2), f32x4.extract_lane(maxV, 3)),
  );
  for (; j < count; j++) max = Mathf.max(max, load<f32>(row + ((<usize>j) << 2)));
  const shift = f32x4.splat(max);
  const scaleV = f32x4.splat(scale);
  let totalV = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = row + ((<usize>j) << 2);
    const e = Exp.lanes(f32x4.mul(f32x4.sub(v128.load(at), shift), scaleV));
    v128.store(at, e);
    totalV = f32x4.add(totalV, e);
  }
  let total = laneSum(totalV);
  for (; j < count; j++) {
    const at = row + ((<usize>j) << 2);
    const e = Exp.scalar((load<f32>(at) - max) * scale);
    store<f32>(at, e);
    total += e;
  }
  const inverse = f32x4.splat(1 / total);
  j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = row + ((<usize>j) << 2);
    v128.store(at, f32x4.mul(v128.load(at), inverse));
  }
  for (; j < count; j++) {
    const at = row + ((<usize>j) << 2);
    store<f32>(at, load<f32>(at) / total);
  }
  memory.fill(row + ((<usize>count) << 2), 0, (<usize>(width - count)) << 2);
}

/** In place on one row of dP (width entries): dS = scale·P ⊙ (dP − Σ_{j<count} P·dP) before count, 0 after. */
function softmaxPrefixBackward(p: usize, g: usize, count: i32, width: i32, scale: f32): void {
  let dotV = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = (<usize>j) << 2;
    dotV = f32x4.add(dotV, f32x4.mul(v128.load(p + at), v128.load(g + at)));
  }
  let dot = laneSum(dotV);
  for (; j < count; j++) dot += load<f32>(p + ((<usize>j) << 2)) * load<f32>(g + ((<usize>j) << 2));
  const dotS = f32x4.splat(dot);
  const scaleV = f32x4.splat(scale);
  j = 0;
  for (; j + 4 <= count; j += 4) {
    const at = (<usize>j) << 2;
    v128.store(g + at, f32x4.mul(f32x4.mul(v128.load(p + at), f32x4.sub(v128.load(g + at), dotS)), scaleV));
  }
  for (; j < count; j++) {
    const at = (<usize>j) << 2;
    store<f32>(g + at, scale * load<f32>(p + at) * (load<f32>(g + at) - dot));
  }
  memory.fill(g + ((<usize>count) << 2), 0, (<usize>(width - count)) << 2);
}

/** Forward of `blocks` blocks: q, k, v, out [blocks, T, d_h]; probs [blocks, causalProbsSize(T)]. */
export function causalAttention(
  q: usize,
  k: usize,
  v: usize,
  probs: usize,
  out: usize,
  length: i32,
  headDim: i32,
  blocks: i32,
  scale: f32,
): void {
  const blockBytes = (<usize>length * headDim) << 2;
  const rowBytes = (<usize>headDim) << 2;
  let tile = probs;
  for (let i = 0; i < blocks; i++) {
    const Q = q + <usize>i * blockBytes;
    const K = k + <usize>i * blockBytes;
    const V = v + <usize>i * blockBytes;
    const O = out + <usize>i * blockBytes;
    for (let r0 = 0; r0 < length; r0 += ATTENTION_TILE) {
      const r1 = min(r0 + ATTENTION_TILE, length);
      const rows = r1 - r0;
      // S = Q[r0:r1]·K[0:r1]ᵀ, softmax on each row's causal prefix, O[r0:r1] = P·V[0:r1].
      matmulRows(Q + <usize>r0 * rowBytes, K, tile, rows, headDim, r1, false, true, false, 0, rows);
      for (let r = 0; r < rows; r++) softmaxPrefix(tile + ((<usize>(r * r1)) << 2), r0 + r + 1, r1, scale);
      matmulRows(tile, V, O + <usize>r0 * rowBytes, rows, r1, headDim, false, false, false, 0, rows);
      tile += (<usize>(rows * r1)) << 2;
    }
  }
}

/**
 * Copies one block's causal row tiles (row t of tile [r0, r1) holds keys 0..r1−1) into key tiles: key tile
 * [s0, s1) is [(s1 − s0) × (T − s0)] with entry [s − s0, t − s0] = m[t, s], the transpose of rows s0..T−1 of
 * its columns. The entries it needs are all stored, since a row t ≥ s0 has a tile ending at r1 > t ≥ s0 and
 * tiles are aligned. Both layouts hold causalProbsSize(T) floats.
 */
function rowTilesToKeyTiles(rowTiles: usize, keyTiles: usize, length: i32): void {
  let keyTile = keyTiles;
  for (let s0 = 0; s0 < length; s0 += ATTENTION_TILE) {
    const s1 = min(s0 + ATTENTION_TILE, length);
    const width = length - s0;
    let rowTile = rowTiles + ((<usize>causalProbsSize(s0)) << 2);
    for (let r0 = s0; r0 < length; r0 += ATTENTION_TILE) {
      const r1 = min(r0 + ATTENTION_TILE, length);
      if ((r1 - r0) % 4 === 0 && (s1 - s0) % 4 === 0) {
        // Whole 4×4 blocks: four rows of the row tile in, four rows of the key tile out.
        const fromStride = (<usize>r1) << 2;
        const toStride = (<usize>width) << 2;
        for (let t = r0; t < r1; t += 4) {
          const from = rowTile + <usize>(t - r0) * fromStride;
          for (let s = s0; s < s1; s += 4) {
            const at = from + ((<usize>s) << 2);
            storeTransposed4x4(
              v128.load(at),
              v128.load(at + fromStride),
              v128.load(at + 2 * fromStride),
              v128.load(at + 3 * fromStride),
              keyTile + <usize>(s - s0) * toStride + ((<usize>(t - s0)) << 2),
              toStride,
            );
          }
        }
      } else {
        for (let t = r0; t < r1; t++) {
          const from = rowTile + ((<usize>((t - r0) * r1)) << 2);
          const to = keyTile + ((<usize>(t - s0)) << 2);
          for (let s = s0; s < s1; s++) {
            store<f32>(to + ((<usize>((s - s0) * width)) << 2), load<f32>(from + ((<usize>s) << 2)));
          }
        }
      }
      rowTile += (<usize>((r1 - r0) * r1)) << 2;
    }
    keyTile += (<usize>((s1 - s0) * width)) << 2;
  }
}

/**
 * Backward of `blocks` blocks, given dO [blocks, T, d_h]: writes dq, dk, dv (overwritten). Per row tile,
 * dP = dO·Vᵀ, dS (in place) and dQ = dS·K; then P and dS are turned into key tiles, so that dV = Pᵀ·dO and
 * dK = dSᵀ·Q run per key tile [s0, s1) over all the rows t ≥ s0 at once (one product with inner size T − s0,
 * instead of one per row tile with inner size 16). `scratch` holds 3·causalProbsSize(T) floats.
 */
export function causalAttentionBackward(
  q: usize,
  k: usize,
  v: usize,
  probs: usize,
  dout: usize,
  dq: usize,
  dk: usize,
  dv: usize,
  scratch: usize,
  length: i32,
  headDim: i32,
  blocks: i32,
  scale: f32,
): void {
  const blockBytes = (<usize>length * headDim) << 2;
  const rowBytes = (<usize>headDim) << 2;
  const probsBytes = (<usize>causalProbsSize(length)) << 2;
  const dS = scratch;
  const pByKeys = dS + probsBytes;
  const dSByKeys = pByKeys + probsBytes;
  for (let i = 0; i < blocks; i++) {
    const at = <usize>i * blockBytes;
    const P = probs + <usize>i * probsBytes;
    let offset: usize = 0;
    for (let r0 = 0; r0 < length; r0 += ATTENTION_TILE) {
      const r1 = min(r0 + ATTENTION_TILE, length);
      const rows = r1 - r0;
      const row = <usize>r0 * rowBytes;
      // dP = dO[r0:r1]·V[0:r1]ᵀ, then dS in place, then dQ[r0:r1] = dS·K[0:r1].
      matmulRows(dout + at + row, v + at, dS + offset, rows, headDim, r1, false, true, false, 0, rows);
      for (let r = 0; r < rows; r++) {
        const rowOffset = offset + ((<usize>(r * r1)) << 2);
        softmaxPrefixBackward(P + rowOffset, dS + rowOffset, r0 + r + 1, r1, scale);
      }
      matmulRows(dS + offset, k + at, dq + at + row, rows, r1, headDim, false, false, false, 0, rows);
      offset += (<usize>(rows * r1)) << 2;
    }
    rowTilesToKeyTiles(P, pByKeys, length);
    rowTilesToKeyTiles(dS, dSByKeys, length);
    offset = 0;
    for (let s0 = 0; s0 < length; s0 += ATTENTION_TILE) {
      const s1 = min(s0 + ATTENTION_TILE, length);
      const keys = s1 - s0;
      const width = length - s0;
      const row = <usize>s0 * rowBytes;
      // dV[s0:s1] = Pᵀ[s0:s1, s0:T]·dO[s0:T] and dK[s0:s1] = dSᵀ[s0:s1, s0:T]·Q[s0:T].
      matmulRows(
        pByKeys + offset,
        dout + at + row,
        dv + at + row,
        keys,
        width,
        headDim,
        false,
        false,
        false,
        0,
        keys,
      );
      matmulRows(
        dSByKeys + offset,
        q + at + row,
        dk + at + row,
        keys,
        width,
        headDim,
        false,
        false,
        false,
        0,
        keys,
      );
      offset += (<usize>(keys * width)) << 2;
    }
  }
}
