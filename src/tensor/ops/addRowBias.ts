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
  engine().kernels.addRowBias({ x: x.data, bias: bias.data, out: y.data, rows, cols });
  recordBackward(y, (dy) => {
    const { kernels } = engine();
    if (x.requiresGrad) x.accumulateGrad(dy);
    if (bias.requiresGrad) kernels.rowSums({ x: dy, out: bias.ensureGrad(), rows, cols, accumulate: true });
  });
  return y;
}

/**
 * Y += bias (per row) in place, for a layer's product that no op has read yet: the same numbers as addRowBias,
 * without a second [rows, cols] tensor or the copy of dY into dX in the backward (dX is dY, so the product's
 * own gradient serves both). Returns y. Gradient: dbias[r] = Σ_c dY[r, c].
 */
export function addRowBiasInPlace(y: Tensor, bias: Tensor): Tensor {
  if (y.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== y.shape[0]) {
    throw new Error(
      `addRowBiasInPlace: needs y [rows, cols] and bias [rows], got y ${formatShape(y.shape)} and bias ${formatShape(bias.shape)}`,
    );
  }
  y.assertAlive('addRowBiasInPlace');
  const [rows, cols] = y.shape;
  engine().kernels.addRowBias({ x: y.data, bias: bias.data, out: y.data, rows, cols });
  if (bias.requiresGrad) {
    recordBackward(y, (dy) =>
      engine().kernels.rowSums({ x: dy, out: bias.ensureGrad(), rows, cols, accumulate: true }),
    );
  }
  return y;
}
