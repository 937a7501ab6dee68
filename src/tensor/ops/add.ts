import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { assertSameShape } from './shapes.js';

/** y = a + b elementwise (same shapes). Gradients: da = dy, db = dy. */
export function add(a: Tensor, b: Tensor): Tensor {
  assertSameShape('add', a, b);
  const y = createOutput('add', a.shape, [a, b], { overwritten: true });
  engine().kernels.add({ a: a.data, b: b.data, out: y.data, n: a.size });
  recordBackward(y, (dy) => {
    if (a.requiresGrad) a.accumulateGrad(dy);
    if (b.requiresGrad) b.accumulateGrad(dy);
  });
  return y;
}
