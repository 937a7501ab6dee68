import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { assertSameShape } from './shapes.js';

/** y = a ⊙ b elementwise (same shapes). Gradients: da = dy ⊙ b, db = dy ⊙ a. */
export function mul(a: Tensor, b: Tensor): Tensor {
  assertSameShape('mul', a, b);
  const y = createOutput('mul', a.shape, [a, b]);
  engine().kernels.mul({ a: a.data, b: b.data, out: y.data, n: a.size });
  recordBackward(y, (dy) => {
    const { heap, kernels } = engine();
    const n = a.size;
    const product = heap.allocF32(n);
    if (a.requiresGrad) {
      kernels.mul({ a: dy, b: b.data, out: product, n });
      kernels.axpy({ alpha: 1, x: product, y: a.ensureGrad(), n });
    }
    if (b.requiresGrad) {
      kernels.mul({ a: dy, b: a.data, out: product, n });
      kernels.axpy({ alpha: 1, x: product, y: b.ensureGrad(), n });
    }
    heap.free(product);
  });
  return y;
}
