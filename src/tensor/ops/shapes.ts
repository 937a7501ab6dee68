import { formatShape, type Tensor } from '../tensor.js';

/** Throws unless a and b have the same shape (elementwise ops do not broadcast). */
export function assertSameShape(op: string, a: Tensor, b: Tensor): void {
  const same = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  if (!same) {
    throw new Error(
      `${op}: shapes differ, a ${formatShape(a.shape)} and b ${formatShape(b.shape)}; elementwise ops do not broadcast (use addRowBias for a bias)`,
    );
  }
}
