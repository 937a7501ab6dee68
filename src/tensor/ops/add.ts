import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { assertSameShape } from './shapes.js';

/** y = a + b elementwise (same shapes). Gradients: da = dy, db = dy. */
export function add(a: Tensor, b: Tensor): Tensor {
  assertSameShape('add', a, b);
  const y = createOutput('add', a.shape, [a, b]);
  engine().kernels.add(a.data, b.data, y.data, a.size);
  recordBackward(y, (dy) => {
    const { kernels } = engine();
    if (a.requiresGrad) kernels.axpy(1, dy, a.ensureGrad(), a.size);
    if (b.requiresGrad) kernels.axpy(1, dy, b.ensureGrad(), b.size);
  });
  return y;
}
