import type { KernelArgs } from '../kernels.js';

/** Reference softmax cross-entropy on feature-major logits [classes × batch] (see the Kernels contract). */
export function softmaxCrossEntropy({
  logits,
  labels,
  probs,
  classes,
  batch,
}: KernelArgs<'softmaxCrossEntropy'>): number {
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[c * batch + b]);
    let z = 0;
    for (let c = 0; c < classes; c++) z += Math.exp(logits[c * batch + b] - max);
    for (let c = 0; c < classes; c++) probs[c * batch + b] = Math.exp(logits[c * batch + b] - max) / z;
    const label = labels[b];
    if (!(label >= 0 && label < classes))
      throw new Error(`label ${label} of example ${b} is outside 0..${classes - 1}`);
    loss -= logits[label * batch + b] - max - Math.log(z);
  }
  return loss / batch;
}

export function softmaxCrossEntropyBackward({
  probs,
  labels,
  dlogits,
  classes,
  batch,
  scale,
  accumulate,
}: KernelArgs<'softmaxCrossEntropyBackward'>): void {
  for (let c = 0; c < classes; c++) {
    for (let b = 0; b < batch; b++) {
      const i = c * batch + b;
      const g = scale * (probs[i] - (labels[b] === c ? 1 : 0));
      dlogits[i] = accumulate ? dlogits[i] + g : g;
    }
  }
}
