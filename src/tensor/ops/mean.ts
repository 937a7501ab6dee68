import type { Tensor } from '../tensor.js';
import { reduceScaled } from './sum.js';

/** The scalar (shape []) m = (1/n) Σᵢ xᵢ over all n entries. Gradient: dxᵢ = dm / n. */
export function mean(x: Tensor): Tensor {
  if (x.size === 0) throw new Error('mean: the tensor is empty, so its mean is undefined');
  return reduceScaled('mean', x, 1 / x.size);
}
