import { createOutput, recordBackward } from '../tape.js';
import { formatShape, shapeSize, type Tensor } from '../tensor.js';

/**
 * y = x with another shape of the same size; the row-major order of the entries is unchanged, so an image
 * batch [C, H, W, B] and the feature-major matrix [C·H·W, B] are the same entries (Flatten, Unflatten, and a
 * convolution's [out, Hout·Wout·B] product seen as [out, Hout, Wout, B]). Gradient: dx += dy.
 *
 * The output is a copy (a tensor owns its data, and the tape frees each tensor once): one memcpy forward
 * and one SIMD add backward, a few percent of a convolution's cost.
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  if (shapeSize(shape) !== x.size) {
    throw new Error(
      `reshape: ${formatShape(x.shape)} has ${x.size} entries, ${formatShape(shape)} needs ${shapeSize(shape)}; keep the product of the dims`,
    );
  }
  const y = createOutput('reshape', shape, [x], { overwritten: true });
  y.data.set(x.data);
  recordBackward(y, (dy) => x.accumulateGrad(dy));
  return y;
}
