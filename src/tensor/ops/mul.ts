import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { assertSameShape } from './shapes.js';

/** y = a ⊙ b elementwise (same shapes). Gradients: da = dy ⊙ b, db = dy ⊙ a. */
export function mul(a: Tensor, b: Tensor): Tensor {
  assertSameShape('mul', a, b);
  const y = createOutput('mul', a.shape, [a, b]);
  engine().kernels.mul(a.data, b.data, y.data, a.size);
  recordBackward(y, (dy) => {
    const { heap, kernels } = engine();
    const n = a.size;
    const product = heap.allocF32(n);
    if (a.requiresGrad) {
      kernels.mul(dy, b.data, product, n);
      kernels.axpy(1, product, a.ensureGrad(), n);
    }
    if (b.requiresGrad) {
      kernels.mul(dy, a.data, product, n);
      kernels.axpy(1, product, b.ensureGrad(), n);
    }
    heap.free(product);
  });
  return y;
}
