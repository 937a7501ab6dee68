import { formatShape, type Tensor } from '../tensor.js';

/**
 * A sliding window over the two spatial dims of an image batch [C, H, W, B] (batch innermost, so a pixel's
 * batch is one contiguous row of B values): the geometry shared by im2col (convolution) and pooling.
 *
 * Output size per dim: Hout = ⌊(H + 2·padH − kh) / strideH⌋ + 1 (and the same for W). Padding is zeros.
 */
export interface Window {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
}

/** The sizes an op needs, resolved from an input's shape and a window. */
export interface WindowGeometry {
  channels: number;
  height: number;
  width: number;
  batch: number;
  outHeight: number;
  outWidth: number;
}

/** A window from user options: a number means the same value for both dims. */
export function makeWindow(
  kernel: number | readonly [number, number],
  stride: number | readonly [number, number] = 1,
  padding: number | readonly [number, number] = 0,
): Window {
  const pair = (v: number | readonly [number, number]): [number, number] =>
    typeof v === 'number' ? [v, v] : [v[0], v[1]];
  return { kernel: pair(kernel), stride: pair(stride), padding: pair(padding) };
}

/**
 * Checks that x is [C, H, W, B] and that the window fits, and returns the sizes. Errors name the op, the
 * shapes and what to change.
 */
export function windowGeometry(op: string, x: Tensor, window: Window): WindowGeometry {
  if (x.shape.length !== 4) {
    throw new Error(
      `${op}: expects an image batch [channels, height, width, batch], got ${formatShape(x.shape)}; reshape a [C·H·W, batch] matrix with Unflatten first`,
    );
  }
  const [channels, height, width, batch] = x.shape;
  checkWindow(op, window);
  const [kh, kw] = window.kernel;
  const [ph, pw] = window.padding;
  if (height + 2 * ph < kh || width + 2 * pw < kw) {
    throw new Error(
      `${op}: kernel [${kh}, ${kw}] is larger than the padded input ${height + 2 * ph}×${width + 2 * pw} of ${formatShape(x.shape)}; use a smaller kernel or more padding`,
    );
  }
  const [outHeight, outWidth] = windowOutputSize([height, width], window);
  return { channels, height, width, batch, outHeight, outWidth };
}

/** [Hout, Wout] of the window over a [height, width] input (no checks: see windowGeometry). */
export function windowOutputSize(
  [height, width]: readonly [number, number],
  window: Window,
): [number, number] {
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const [ph, pw] = window.padding;
  return [Math.floor((height + 2 * ph - kh) / sh) + 1, Math.floor((width + 2 * pw - kw) / sw) + 1];
}

/** Throws unless kernel and stride are positive integers and padding is a non-negative integer below the kernel. */
export function checkWindow(op: string, window: Window): void {
  const [kh, kw] = window.kernel;
  const [sh, sw] = window.stride;
  const [ph, pw] = window.padding;
  const positive = [kh, kw, sh, sw].every((v) => Number.isInteger(v) && v >= 1);
  const nonNegative = [ph, pw].every((v) => Number.isInteger(v) && v >= 0);
  if (!positive || !nonNegative || ph >= kh || pw >= kw) {
    throw new Error(
      `${op}: kernel [${kh}, ${kw}] and stride [${sh}, ${sw}] must be positive integers and padding [${ph}, ${pw}] a non-negative integer smaller than the kernel`,
    );
  }
}
