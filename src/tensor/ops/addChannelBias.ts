import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import { formatShape, shapeSize, type Tensor } from '../tensor.js';

/**
 * Y[c, …] = X[c, …] + bias[c] for X whose first dim is the channel (any rank ≥ 2), written in `shape` (same
 * size, same first dim; default X's shape): a convolution's bias and the reshape of its product
 * [out, Hout·Wout·B] to the image batch [out, Hout, Wout, B] in one pass (the entries' order is unchanged).
 *
 * Gradients: dX = dY, dbias[c] = Σ over the channel's entries of dY.
 */
export function addChannelBias(x: Tensor, bias: Tensor, shape: readonly number[] = x.shape): Tensor {
  const channels = x.shape[0];
  if (x.shape.length < 2 || bias.shape.length !== 1 || bias.shape[0] !== channels) {
    throw new Error(
      `addChannelBias: needs x [channels, ...] and bias [channels], got x ${formatShape(x.shape)} and bias ${formatShape(bias.shape)}`,
    );
  }
  if (shape[0] !== channels || shapeSize(shape) !== x.size) {
    throw new Error(
      `addChannelBias: output shape ${formatShape(shape)} must keep x's ${channels} channels and ${x.size} entries (x ${formatShape(x.shape)})`,
    );
  }
  const perChannel = x.size / Math.max(channels, 1);
  const y = createOutput('addChannelBias', shape, [x, bias], { overwritten: true });
  engine().kernels.addRowBias({ x: x.data, bias: bias.data, out: y.data, rows: channels, cols: perChannel });
  recordBackward(y, (dy) => {
    const { kernels } = engine();
    if (x.requiresGrad) x.accumulateGrad(dy);
    if (bias.requiresGrad)
      kernels.rowSums({ x: dy, out: bias.ensureGrad(), rows: channels, cols: perChannel, accumulate: true });
  });
  return y;
}
