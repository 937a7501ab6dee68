import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/** y = max(x, 0) elementwise. Gradient: dx = dy · [x > 0] (zero at the kink x = 0). */
export function relu(x: Tensor): Tensor {
  const y = createOutput('relu', x.shape, [x], { overwritten: true });
  engine().kernels.relu(x.data, y.data, x.size);
  recordBackward(y, (dy) => {
    const accumulate = x.grad !== null;
    engine().kernels.reluBackward(x.data, dy, x.ensureGrad(false), x.size, accumulate);
  });
  return y;
}
