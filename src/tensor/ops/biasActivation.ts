import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, type Tensor } from '../tensor.js';

/** The activations a layer's bias fuses with. */
export type Activation = 'relu' | 'gelu';

/**
 * Y[r, c] = act(X[r, c] + bias[r]) for X [rows, cols] and bias [rows]: a layer's bias and its activation
 * (ReLU, or GELU in the tanh approximation, see the gelu op) in one kernel pass each way, the same numbers as
 * addRowBias followed by relu or gelu. Sequential applies it to a Linear followed by a ReLU or GELU module.
 *
 * Gradients, with Z = X + bias: dX = dY ⊙ act'(Z), dbias[r] = Σ_c dX[r, c]. ReLU's backward reads Y
 * (Z > 0 exactly where Y > 0); GELU's forward keeps GELU'(Z), computed from the same exponential, so its
 * backward is a product (a second exponential per entry cost as much as the forward).
 */
export function biasActivation(x: Tensor, bias: Tensor, activation: Activation): Tensor {
  if (x.shape.length !== 2 || bias.shape.length !== 1 || bias.shape[0] !== x.shape[0]) {
    throw new Error(
      `biasActivation: needs x [rows, cols] and bias [rows], got x ${formatShape(x.shape)} and bias ${formatShape(bias.shape)}`,
    );
  }
  const [rows, cols] = x.shape;
  const { heap, kernels } = engine();
  const y = createOutput(`bias + ${activation}`, x.shape, [x, bias], { overwritten: true });
  const slope = activation === 'gelu' && y.requiresGrad ? heap.allocF32(x.size, false) : null;
  if (activation === 'gelu') kernels.biasGelu({ x: x.data, bias: bias.data, out: y.data, slope, rows, cols });
  else kernels.biasRelu({ x: x.data, bias: bias.data, out: y.data, rows, cols });
  recordBackward(
    y,
    (dy) => {
      const { heap: h, kernels: k } = engine();
      // A gradient nobody wants goes to scratch; a fresh one is overwritten instead of zeroed and added to.
      const accumulate = x.grad !== null;
      const dx = x.requiresGrad ? x.ensureGrad(false) : h.allocF32(x.size, false);
      const dbias = bias.requiresGrad ? bias.ensureGrad() : h.allocF32(rows);
      k.biasActivationBackward({
        saved: slope ?? y.data,
        dy,
        dx,
        dbias,
        rows,
        cols,
        relu: slope === null,
        accumulate,
      });
      if (!x.requiresGrad) h.free(dx);
      if (!bias.requiresGrad) h.free(dbias);
    },
    slope ? [slope] : [],
  );
  return y;
}
