import { engine } from '../../kernels/engine.js';
import type { Random } from '../../util/random.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/**
 * Inverted dropout (Srivastava et al. 2014): y = x ⊙ m / (1 − p), each m_i an independent Bernoulli(1 − p)
 * draw from `random`, so the expected value of y is x and evaluation needs no rescaling (it simply skips the
 * op). Gradient: dx = dy ⊙ m / (1 − p), with the same mask (kept for the backward).
 */
export function dropout(x: Tensor, rate: number, random: Random): Tensor {
  if (!(rate >= 0 && rate < 1)) {
    throw new Error(`dropout: rate must be in [0, 1), got ${rate}`);
  }
  const { heap, kernels } = engine();
  const mask = heap.allocF32(x.size, false);
  const keep = 1 / (1 - rate);
  for (let i = 0; i < mask.length; i++) mask[i] = random.next() < rate ? 0 : keep;
  const y = createOutput('dropout', x.shape, [x], { overwritten: true });
  kernels.mul({ a: x.data, b: mask, out: y.data, n: x.size });
  recordBackward(
    y,
    (dy) => {
      const dx = x.ensureGrad();
      for (let i = 0; i < dx.length; i++) dx[i] += dy[i] * mask[i];
    },
    [mask],
  );
  return y;
}
