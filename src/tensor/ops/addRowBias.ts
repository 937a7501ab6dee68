import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/**
 * Y[r, c] = X[r, c] + bias[r] for X [rows, cols] and bias [rows]: a layer's bias on feature-major
 * activations (one value per feature, shared across the batch).
 *
 * Gradients: dX = dY, dbias[r] = Σ_c dY[r, c].
 */
export function addRowBias(x: Tensor, bias: Tensor): Tensor {
  if (x.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== x.shape[0]) {
    throw new Error(
      `addRowBias: needs x [rows, cols] and bias [rows], got x ${formatShape(x.shape)} and bias ${formatShape(bias.shape)}`,
    );
  }
  const [rows, cols] = x.shape;
  const y = createOutput('addRowBias', x.shape, [x, bias], { overwritten: true });
  engine().kernels.addRowBias(x.data, bias.data, y.data, rows, cols);
  recordBackward(y, (dy) => {
    const { kernels } = engine();
    if (x.requiresGrad) x.accumulateGrad(dy);
    if (bias.requiresGrad) kernels.rowSums(dy, bias.ensureGrad(), rows, cols, true);
  });
  return y;
}
