import { engine } from '../../kernels/engine.js';
import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { type Window, type WindowGeometry, windowGeometry } from './window.js';

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
 * (overlapping windows add up; padding positions drop out).
 *
 * Both directions move whole contiguous runs: a pixel's batch row of B values, and with stride 1 the run of a
 * window row across all output columns ((ox1 − ox0)·B values), so the work is copies and SIMD axpy calls.
 */
export function im2col(x: Tensor, window: Window): Tensor {
  const g = windowGeometry('im2col', x, window);
  const [kh, kw] = window.kernel;
  const rows = g.channels * kh * kw;
  const cols = createOutput('im2col', [rows, g.outHeight * g.outWidth * g.batch], [x], { overwritten: true });
  const source = x.data;
  const target = cols.data;
  forEachRun(
    g,
    window,
    (xAt, colsAt, length) => target.set(source.subarray(xAt, xAt + length), colsAt),
    (colsAt, length) => target.fill(0, colsAt, colsAt + length),
  );
  recordBackward(cols, (dcols) => {
    const { kernels } = engine();
    const dx = x.ensureGrad();
    forEachRun(g, window, (xAt, colsAt, length) =>
      kernels.axpy(1, dcols.subarray(colsAt, colsAt + length), dx.subarray(xAt, xAt + length), length),
    );
  });
  return cols;
}

/**
 * Visits the contiguous runs of the im2col map: `copy(xAt, colsAt, length)` for each run of cols that reads
 * x[xAt .. xAt + length), and `zero(colsAt, length)` for each run that lies in the padding. Together the runs
 * cover every entry of cols exactly once.
 */
function forEachRun(
  g: WindowGeometry,
  window: Window,
  copy: (xAt: number, colsAt: number, length: number) => void,
  zero: (colsAt: number, length: number) => void = () => {},
): void {
  const { channels, height, width, batch, outHeight, outWidth } = g;
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const [ph, pw] = window.padding;
  const rowLength = outHeight * outWidth * batch;
  const lineLength = outWidth * batch;
  for (let c = 0; c < channels; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const row = ((c * kh + i) * kw + j) * rowLength;
        // Output columns ox whose input column ix = ox·sw + j − pw lies inside [0, W).
        const ox0 = Math.max(0, Math.ceil((pw - j) / sw));
        const ox1 = Math.min(outWidth, Math.floor((width - 1 + pw - j) / sw) + 1);
        for (let oy = 0; oy < outHeight; oy++) {
          const line = row + oy * lineLength;
          const iy = oy * sh + i - ph;
          if (iy < 0 || iy >= height || ox1 <= ox0) {
            zero(line, lineLength);
            continue;
          }
          if (ox0 > 0) zero(line, ox0 * batch);
          if (ox1 < outWidth) zero(line + ox1 * batch, (outWidth - ox1) * batch);
          const xLine = (c * height + iy) * width;
          if (sw === 1) {
            copy((xLine + ox0 + j - pw) * batch, line + ox0 * batch, (ox1 - ox0) * batch);
          } else {
            for (let ox = ox0; ox < ox1; ox++) {
              copy((xLine + ox * sw + j - pw) * batch, line + ox * batch, batch);
            }
          }
        }
      }
    }
  }
}
