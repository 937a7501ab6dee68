// Kernels of causal self-attention (see the Kernels contract): the layout change between position-major
// activations [d, T·B] (column t·B + b) and sequence-major blocks [B, d, T], and the row softmax of causal
// score matrices with its backward. The products themselves run on matmul.
import { Exp } from './exp';

/** out[(b·d + f)·T + t] = x[f, t·B + b]: each sequence's [d, T] block becomes contiguous. */
export function gatherSequences(x: usize, out: usize, d: i32, length: i32, batch: i32): void {
  const T = <usize>length;
  const B = <usize>batch;
  for (let f: usize = 0; f < <usize>d; f++) {
    for (let t: usize = 0; t < T; t++) {
      const from = x + (((f * T + t) * B) << 2);
      const to = out + ((f * T + t) << 2);
      const stride = (<usize>d * T) << 2;
      for (let b: usize = 0; b < B; b++) store<f32>(to + b * stride, load<f32>(from + (b << 2)));
    }
  }
}

/** x[f, t·B + b] (+)= gathered[(b·d + f)·T + t]: the inverse of gatherSequences. */
export function scatterSequences(
  gathered: usize,
  x: usize,
  d: i32,
  length: i32,
  batch: i32,
  accumulate: bool,
): void {
  const T = <usize>length;
  const B = <usize>batch;
  const stride = (<usize>d * T) << 2;
  for (let f: usize = 0; f < <usize>d; f++) {
    for (let t: usize = 0; t < T; t++) {
      const to = x + (((f * T + t) * B) << 2);
      const from = gathered + ((f * T + t) << 2);
      for (let b: usize = 0; b < B; b++) {
        const value = load<f32>(from + b * stride);
        const at = to + (b << 2);
        store<f32>(at, accumulate ? load<f32>(at) + value : value);
      }
    }
  }
}

/**
 * In place on `blocks` score matrices [T×T]: row t becomes softmax(scale · s[t, 0..t]) and zeros after
 * position t (scale > 0).
 */
export function causalSoftmax(scores: usize, length: i32, blocks: i32, scale: f32): void {
  const T = <usize>length;
  const rows = T * <usize>blocks;
  const scaleV = f32x4.splat(scale);
  for (let r: usize = 0; r < rows; r++) {
    const row = scores + ((r * T) << 2);
    const count = (r % T) + 1;
    let maxV = f32x4.splat(-Infinity);
    let j: usize = 0;
    for (; j + 4 <= count; j += 4) maxV = f32x4.pmax(maxV, v128.load(row + (j << 2)));
    let max = Mathf.max(
      Mathf.max(f32x4.extract_lane(maxV, 0), f32x4.extract_lane(maxV, 1)),
      Mathf.max(f32x4.extract_lane(maxV, 2), f32x4.extract_lane(maxV, 3)),
    );
    for (; j < count; j++) max = Mathf.max(max, load<f32>(row + (j << 2)));
    const shift = f32x4.splat(max);
    let totalV = f32x4.splat(0);
    j = 0;
    for (; j + 4 <= count; j += 4) {
      const e = Exp.lanes(f32x4.mul(f32x4.sub(v128.load(row + (j << 2)), shift), scaleV));
      v128.store(row + (j << 2), e);
      totalV = f32x4.add(totalV, e);
    }
    let total =
      f32x4.extract_lane(totalV, 0) +
      f32x4.extract_lane(totalV, 1) +
      (f32x4.extract_lane(totalV, 2) + f32x4.extract_lane(totalV, 3));
    for (; j < count; j++) {
      const e = Exp.scalar((load<f32>(row + (j << 2)) - max) * scale);
      store<f32>(row + (j << 2), e);
      total += e;
    }
    const inverse = f32x4.splat(1 / total);
    j = 0;
    for (; j + 4 <= count; j += 4) v128.store(row + (j << 2), f32x4.mul(v128.load(row + (j << 2)), inverse));
    for (; j < count; j++) store<f32>(row + (j << 2), load<f32>(row + (j << 2)) / total);
    memory.fill(row + (count << 2), 0, (T - count) << 2);
  }
}

/** In place on grads [T×T] blocks: dS = scale · P ⊙ (dP − Σ_j P ⊙ dP) on and below the diagonal, 0 above. */
export function causalSoftmaxBackward(
  probs: usize,
  grads: usize,
  length: i32,
  blocks: i32,
  scale: f32,
): void {
  const T = <usize>length;
  const rows = T * <usize>blocks;
  for (let r: usize = 0; r < rows; r++) {
    const p = probs + ((r * T) << 2);
    const g = grads + ((r * T) << 2);
    const count = (r % T) + 1;
    let dotV = f32x4.splat(0);
    let j: usize = 0;
    for (; j + 4 <= count; j += 4)
      dotV = f32x4.add(dotV, f32x4.mul(v128.load(p + (j << 2)), v128.load(g + (j << 2))));
    let dot =
      f32x4.extract_lane(dotV, 0) +
      f32x4.extract_lane(dotV, 1) +
      (f32x4.extract_lane(dotV, 2) + f32x4.extract_lane(dotV, 3));
    for (; j < count; j++) dot += load<f32>(p + (j << 2)) * load<f32>(g + (j << 2));
    const dotS = f32x4.splat(dot);
    const scaleV = f32x4.splat(scale);
    j = 0;
    for (; j + 4 <= count; j += 4) {
      const v = f32x4.mul(
        f32x4.mul(v128.load(p + (j << 2)), f32x4.sub(v128.load(g + (j << 2)), dotS)),
        scaleV,
      );
      v128.store(g + (j << 2), v);
    }
    for (; j < count; j++) {
      store<f32>(g + (j << 2), scale * load<f32>(p + (j << 2)) * (load<f32>(g + (j << 2)) - dot));
    }
    memory.fill(g + (count << 2), 0, (T - count) << 2);
  }
}
