import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** y = s · x for a constant s. Gradient: dx = s · dy. */
export function scale(x: Tensor, s: number): Tensor {
  if (!Number.isFinite(s)) throw new Error(`scale: the factor must be finite, got ${s}`);
  const y = createOutput('scale', x.shape, [x]);
  engine().kernels.scale({ a: x.data, s, out: y.data, n: x.size });
  recordBackward(y, (dy) => engine().kernels.axpy({ alpha: s, x: dy, y: x.ensureGrad(), n: x.size }));
  return y;
}
