import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** The scalar (shape []) s = Σᵢ xᵢ, accumulated in float64. Gradient: dxᵢ = ds. */
export function sum(x: Tensor): Tensor {
  return reduceScaled('sum', x, 1);
}

/**
 * s = factor · Σᵢ xᵢ as a scalar tensor; dxᵢ += factor · ds. Shared by sum and mean.
 * The backward adds one constant to every entry, a broadcast the kernel set has no call for: a plain loop.
 */
export function reduceScaled(op: string, x: Tensor, factor: number): Tensor {
  const s = createOutput(op, [], [x]);
  s.data[0] = factor * engine().kernels.sum({ x: x.data, n: x.size });
  recordBackward(s, (ds) => {
    const g = Math.fround(factor * ds[0]);
    const dx = x.ensureGrad();
    for (let i = 0; i < dx.length; i++) dx[i] += g;
  });
  return s;
}
