/**
 * im2col and its adjoint on an image batch x [C, H, W, B] (batch innermost): see Kernels.im2col. Both walk the
 * contiguous runs of the map (a pixel's batch row of B values; with stride 1 a window row across all output
 * columns), in the order channel, kernel row i, kernel column j, output row oy, output column ox.
 */

import type { KernelArgs } from '../kernels.js';

/** The sizes of an im2col call: channels, height, width, batch, kh, kw, sh, sw, ph, pw. */
type Im2colSizes = Omit<KernelArgs<'im2col'>, 'x' | 'cols'>;

/** cols[(c·kh + i)·kw + j, (oy·Wout + ox)·B + b] = x[c, oy·sh + i − ph, ox·sw + j − pw, b], 0 outside x. */
export function im2col({ x, cols, ...sizes }: KernelArgs<'im2col'>): void {
  forEachRun(
    sizes,
    (xAt, colsAt, length) => cols.set(x.subarray(xAt, xAt + length), colsAt),
    (colsAt, length) => cols.fill(0, colsAt, colsAt + length),
  );
}

/** dx[c, iy, ix, b] += Σ of dcols over every entry that im2col read from x[c, iy, ix, b]. */
export function col2im({ dcols, dx, ...sizes }: KernelArgs<'col2im'>): void {
  forEachRun(sizes, (xAt, colsAt, length) => {
    for (let k = 0; k < length; k++) dx[xAt + k] += dcols[colsAt + k];
  });
}

/**
 * Visits the contiguous runs of the im2col map: `copy(xAt, colsAt, length)` for each run of cols that reads
 * x[xAt .. xAt + length), and `zero(colsAt, length)` for each run that lies in the padding. Together the runs
 * cover every entry of cols exactly once.
 */
function forEachRun(
  { channels, height, width, batch, kh, kw, sh, sw, ph, pw }: Im2colSizes,
  copy: (xAt: number, colsAt: number, length: number) => void,
  zero: (colsAt: number, length: number) => void = () => {},
): void {
  const outHeight = Math.floor((height + 2 * ph - kh) / sh) + 1;
  const outWidth = Math.floor((width + 2 * pw - kw) / sw) + 1;
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
