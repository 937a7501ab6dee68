import type { KernelArgs } from '../kernels.js';

/**
 * y[c, oy, ox, b] = max_{i<kh, j<kw} x[c, oy·sh + i, ox·sw + j, b] on an image batch [C, H, W, B];
 * Hout = ⌊(H − kh) / sh⌋ + 1, Wout = ⌊(W − kw) / sw⌋ + 1.
 */
export function maxPool2d({ x, y, ...sizes }: KernelArgs<'maxPool2d'>): void {
  const { batch } = sizes;
  forEachWindow(sizes, (outAt, inAt) => {
    for (let b = 0; b < batch; b++) y[outAt + b] = x[inAt[0] + b];
    for (let k = 1; k < inAt.length; k++) {
      for (let b = 0; b < batch; b++) if (x[inAt[k] + b] > y[outAt + b]) y[outAt + b] = x[inAt[k] + b];
    }
  });
}

/** dx[c, argmax, b] += dy[c, oy, ox, b], the argmax being the window's first maximum in (i, j) order. */
export function maxPool2dBackward({ x, dy, dx, ...sizes }: KernelArgs<'maxPool2dBackward'>): void {
  const { batch } = sizes;
  forEachWindow(sizes, (outAt, inAt) => {
    for (let b = 0; b < batch; b++) {
      let best = inAt[0] + b;
      for (let k = 1; k < inAt.length; k++) if (x[inAt[k] + b] > x[best]) best = inAt[k] + b;
      dx[best] += dy[outAt + b];
    }
  });
}

/** Calls visit(outAt, inAt) per output pixel: its batch row's offset, and the kh·kw window rows' offsets. */
function forEachWindow(
  { channels, height, width, batch, kh, kw, sh, sw }: Omit<KernelArgs<'maxPool2d'>, 'x' | 'y'>,
  visit: (outAt: number, inAt: number[]) => void,
): void {
  const outHeight = Math.floor((height - kh) / sh) + 1;
  const outWidth = Math.floor((width - kw) / sw) + 1;
  const inAt = new Array<number>(kh * kw);
  for (let c = 0, outAt = 0; c < channels; c++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++, outAt += batch) {
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++)
            inAt[i * kw + j] = ((c * height + oy * sh + i) * width + ox * sw + j) * batch;
        }
        visit(outAt, inAt);
      }
    }
  }
}
