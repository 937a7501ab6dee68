/**
 * Causal self-attention kernels (see the Kernels contract): the layout change between position-major
 * activations [d, T·B] (column t·B + b) and sequence-major blocks [B, d, T], and the causal row softmax of
 * square score blocks with its backward.
 */

export function gatherSequences(x: Float32Array, out: Float32Array, d: number, T: number, B: number): void {
  for (let f = 0; f < d; f++) {
    for (let t = 0; t < T; t++) {
      const from = (f * T + t) * B;
      for (let b = 0; b < B; b++) out[(b * d + f) * T + t] = x[from + b];
    }
  }
}

export function scatterSequences(
  gathered: Float32Array,
  x: Float32Array,
  d: number,
  T: number,
  B: number,
  accumulate: boolean,
): void {
  for (let f = 0; f < d; f++) {
    for (let t = 0; t < T; t++) {
      const to = (f * T + t) * B;
      for (let b = 0; b < B; b++) {
        const value = gathered[(b * d + f) * T + t];
        x[to + b] = accumulate ? x[to + b] + value : value;
      }
    }
  }
}

export function causalSoftmax(scores: Float32Array, T: number, blocks: number, scale: number): void {
  for (let r = 0; r < T * blocks; r++) {
    const row = r * T;
    const count = (r % T) + 1;
    let max = -Infinity;
    for (let j = 0; j < count; j++) max = Math.max(max, scores[row + j]);
    let total = 0;
    for (let j = 0; j < count; j++) {
      const e = Math.exp(scale * (scores[row + j] - max));
      scores[row + j] = e;
      total += e;
    }
    for (let j = 0; j < count; j++) scores[row + j] /= total;
    scores.fill(0, row + count, row + T);
  }
}

export function causalSoftmaxBackward(
  probs: Float32Array,
  grads: Float32Array,
  T: number,
  blocks: number,
  scale: number,
): void {
  for (let r = 0; r < T * blocks; r++) {
    const row = r * T;
    const count = (r % T) + 1;
    let dot = 0;
    for (let j = 0; j < count; j++) dot += probs[row + j] * grads[row + j];
    for (let j = 0; j < count; j++) grads[row + j] = scale * probs[row + j] * (grads[row + j] - dot);
    grads.fill(0, row + count, row + T);
  }
}
