import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { type Window, windowGeometry } from './window.js';

/**
 * Unfolds the windows of an image batch x [C, H, W, B] into the columns of a matrix, so that a convolution is
 * one matrix product (Chellapilla et al. 2006):
 *
 *     cols[(c·kh + i)·kw + j, (oy·Wout + ox)·B + b] = x[c, oy·sh + i − ph, ox·sw + j − pw, b]   (0 outside x)
 *
 * cols is [C·kh·kw, Hout·Wout·B]: feature-major with "batch" Hout·Wout·B, so W[out, C·kh·kw]·cols is the
 * convolution's output [out, Hout, Wout, B] in memory order, by the dense or the sparse matrix kernels.
 *
 * Gradient (col2im, the adjoint): dx[c, iy, ix, b] += Σ of dcols over every (row, column) that read x[c, iy, ix, b]
 * (overlapping windows add up; padding positions drop out). Both are kernels (Kernels.im2col, col2im).
 */
export function im2col(x: Tensor, window: Window): Tensor {
  const g = windowGeometry('im2col', x, window);
  const [kh, kw] = window.kernel;
  const rows = g.channels * kh * kw;
  const cols = createOutput('im2col', [rows, g.outHeight * g.outWidth * g.batch], [x], { overwritten: true });
  const [sh, sw] = window.stride;
  const [ph, pw] = window.padding;
  const { channels, height, width, batch } = g;
  const sizes = { channels, height, width, batch, kh, kw, sh, sw, ph, pw };
  engine().kernels.im2col({ x: x.data, cols: cols.data, ...sizes });
  recordBackward(cols, (dcols) => engine().kernels.col2im({ dcols, dx: x.ensureGrad(), ...sizes }));
  return cols;
}
