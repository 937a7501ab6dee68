import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';

/**
 * y = GELU(x) = 0.5x(1 + tanh u), u = √(2/π)(x + 0.044715x³) (the tanh approximation, Hendrycks and
 * Gimpel 2016). Gradient: dx = dy · (0.5(1 + tanh u) + 0.5x(1 − tanh² u)·√(2/π)(1 + 3·0.044715x²)).
 */
export function gelu(x: Tensor): Tensor {
  const y = createOutput('gelu', x.shape, [x], { overwritten: true });
  engine().kernels.gelu({ x: x.data, out: y.data, n: x.size });
  recordBackward(y, (dy) => {
    const accumulate = x.grad !== null;
    engine().kernels.geluBackward({ x: x.data, dy, dx: x.ensureGrad(false), n: x.size, accumulate });
  });
  return y;
}
