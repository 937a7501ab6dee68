import { createOutput, recordBackward } from '../tape.js';
import type { Tensor } from '../tensor.js';
import { makeWindow, windowGeometry } from './window.js';

/**
 * Max pooling of an image batch x [C, H, W, B] over kh×kw windows (stride defaults to the kernel, no padding;
 * incomplete windows at the bottom and right edges are dropped):
 *
 *     y[c, oy, ox, b] = max_{i<kh, j<kw} x[c, oy·sh + i, ox·sw + j, b]
 *
 * Gradient: dy goes to the window's maximum, the first one in (i, j) order on ties: dx[c, argmax, b] += dy.
 * The backward pass finds the argmax again from x (which a tape keeps alive) instead of storing it.
 */
export function maxPool2d(
  x: Tensor,
  kernel: number | readonly [number, number],
  stride: number | readonly [number, number] = kernel,
): Tensor {
  const window = makeWindow(kernel, stride, 0);
  const { channels, height, width, batch, outHeight, outWidth } = windowGeometry('maxPool2d', x, window);
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const y = createOutput('maxPool2d', [channels, outHeight, outWidth, batch], [x], { overwritten: true });
  /** Calls visit(outAt, windowStarts) for every output pixel; windowStarts are the kh·kw batch rows of x. */
  const starts = new Int32Array(kh * kw);
  const forEachWindow = (visit: (outAt: number) => void) => {
    for (let c = 0; c < channels; c++) {
      for (let oy = 0; oy < outHeight; oy++) {
        for (let ox = 0; ox < outWidth; ox++) {
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              starts[i * kw + j] = ((c * height + oy * sh + i) * width + ox * sw + j) * batch;
            }
          }
          visit(((c * outHeight + oy) * outWidth + ox) * batch);
        }
      }
    }
  };
  const xs = x.data;
  const ys = y.data;
  forEachWindow((outAt) => {
    ys.set(xs.subarray(starts[0], starts[0] + batch), outAt);
    for (let k = 1; k < starts.length; k++) {
      const at = starts[k];
      for (let b = 0; b < batch; b++) {
        const v = xs[at + b];
        if (v > ys[outAt + b]) ys[outAt + b] = v;
      }
    }
  });
  recordBackward(y, (dy) => {
    const dx = x.ensureGrad();
    forEachWindow((outAt) => {
      for (let b = 0; b < batch; b++) {
        let best = starts[0] + b;
        for (let k = 1; k < starts.length; k++) {
          if (xs[starts[k] + b] > xs[best]) best = starts[k] + b;
        }
        dx[best] += dy[outAt + b];
      }
    });
  });
  return y;
}
