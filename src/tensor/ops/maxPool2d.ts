import { engine } from '../../kernels/engine.js';
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
 * The backward pass finds the argmax again from x (which a tape keeps alive) instead of storing it. Kernels:
 * maxPool2d and maxPool2dBackward (SIMD over the batch in the WebAssembly builds).
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
  const sizes = { channels, height, width, batch, kh, kw, sh, sw };
  engine().kernels.maxPool2d({ x: x.data, y: y.data, ...sizes });
  recordBackward(y, (dy) =>
    engine().kernels.maxPool2dBackward({ x: x.data, dy, dx: x.ensureGrad(), ...sizes }),
  );
  return y;
}
