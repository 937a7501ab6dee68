import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { makeWindow, windowGeometry } from './window.js';

/**
 * Average pooling of an image batch x [C, H, W, B] over kh×kw windows (stride defaults to the kernel, no
 * padding; incomplete windows at the bottom and right edges are dropped):
 *
 *     y[c, oy, ox, b] = (1 / (kh·kw)) Σ_{i<kh, j<kw} x[c, oy·sh + i, ox·sw + j, b]
 *
 * Gradient: every entry of the window receives dy / (kh·kw) (overlapping windows add up).
 */
export function avgPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride: number | readonly [number, number] = kernel,
): Tensor {
  const window = makeWindow(kernel, stride, 0);
  const { channels, height, width, batch, outHeight, outWidth } = windowGeometry('avgPool2d', x, window);
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const scale = 1 / (kh * kw);
  const y = createOutput('avgPool2d', [channels, outHeight, outWidth, batch], [x]);
  /** Calls visit(xAt, outAt) for each (output pixel, window entry) pair, as offsets of batch rows. */
  const forEachPair = (visit: (xAt: number, outAt: number) => void) => {
    for (let c = 0; c < channels; c++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          const outAt = ((c * outHeight + oy) * outWidth + ox) * batch;
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              visit(((c * height + oy * sh + i) * width + ox * sw + j) * batch, outAt);
            }
          }
        }
      }
    }
  };
  const xs = x.data;
  const ys = y.data;
  forEachPair((xAt, outAt) => {
    for (let b = 0; b < batch; b++) ys[outAt + b] += xs[xAt + b] * scale;
  });
  recordBackward(y, (dy) => {
    const dx = x.ensureGrad();
    forEachPair((xAt, outAt) => {
      for (let b = 0; b < batch; b++) dx[xAt + b] += dy[outAt + b] * scale;
    });
  });
  return y;
}
