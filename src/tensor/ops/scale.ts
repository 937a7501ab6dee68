import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** y = s · x for a constant s. Gradient: dx = s · dy. */
export function scale(x: Tensor, s: number): Tensor {
  if (!Number.isFinite(s)) throw new Error(`scale: the factor must be finite, got ${s}`);
  const y = createOutput('scale', x.shape, [x]);
  engine().kernels.scale(x.data, s, y.data, x.size);
  recordBackward(y, (dy) => engine().kernels.axpy(s, dy, x.ensureGrad(), x.size));
  return y;
}
