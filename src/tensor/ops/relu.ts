import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** y = max(x, 0) elementwise. Gradient: dx = dy · [x > 0] (zero at the kink x = 0). */
export function relu(x: Tensor): Tensor {
  const y = createOutput('relu', x.shape, [x], { overwritten: true });
  engine().kernels.relu({ x: x.data, out: y.data, n: x.size });
  recordBackward(y, (dy) => {
    const accumulate = x.grad !== null;
    engine().kernels.reluBackward({ x: x.data, dy, dx: x.ensureGrad(false), n: x.size, accumulate });
  });
  return y;
}
