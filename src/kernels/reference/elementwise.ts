import type { KernelArgs } from '../kernels.js';

/** Reference elementwise kernels, bias and reductions (see the Kernels contract for each). */

export function addRowBias({ x, bias, out, rows, cols }: KernelArgs<'addRowBias'>): void {
  for (let r = 0; r < rows; r++) {
    const b = bias[r];
    for (let c = 0; c < cols; c++) out[r * cols + c] = x[r * cols + c] + b;
  }
}

export function rowSums({ x, out, rows, cols, accumulate }: KernelArgs<'rowSums'>): void {
  for (let r = 0; r < rows; r++) {
    let acc = 0;
    for (let c = 0; c < cols; c++) acc += x[r * cols + c];
    out[r] = accumulate ? out[r] + acc : acc;
  }
}

export function relu({ x, out, n }: KernelArgs<'relu'>): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0);
}

export function reluBackward({ x, dy, dx, n, accumulate }: KernelArgs<'reluBackward'>): void {
  for (let i = 0; i < n; i++) {
    const g = x[i] > 0 ? dy[i] : 0;
    dx[i] = accumulate ? dx[i] + g : g;
  }
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

export function gelu({ x, out, n }: KernelArgs<'gelu'>): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    out[i] = 0.5 * v * (1 + Math.tanh(GELU_C * (v + GELU_A * v * v * v)));
  }
}

/** d/dx of 0.5x(1 + tanh u), u = c(x + a x³): 0.5(1 + tanh u) + 0.5x(1 − tanh² u)·c(1 + 3a x²). */
export function geluBackward({ x, dy, dx, n, accumulate }: KernelArgs<'geluBackward'>): void {
  for (let i = 0; i < n; i++) {
    const v = x[i];
    const t = Math.tanh(GELU_C * (v + GELU_A * v * v * v));
    const d = 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * GELU_C * (1 + 3 * GELU_A * v * v);
    const g = dy[i] * d;
    dx[i] = accumulate ? dx[i] + g : g;
  }
}

export function add({ a, b, out, n }: KernelArgs<'add'>): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}

export function mul({ a, b, out, n }: KernelArgs<'mul'>): void {
  for (let i = 0; i < n; i++) out[i] = a[i] * b[i];
}

export function scale({ a, s, out, n }: KernelArgs<'scale'>): void {
  for (let i = 0; i < n; i++) out[i] = a[i] * s;
}

export function axpy({ alpha, x, y, n }: KernelArgs<'axpy'>): void {
  for (let i = 0; i < n; i++) y[i] += alpha * x[i];
}

export function flagOutside({ values, n, below, above, out, capacity }: KernelArgs<'flagOutside'>): number {
  const bits = new Int32Array(values.buffer, values.byteOffset, n);
  let count = 0;
  for (let i = 0; i < n; i++) {
    const key = bits[i] & 0x7fffffff;
    if (key <= below || key >= above) {
      if (count < capacity) out[count] = i;
      count++;
    }
  }
  return count;
}

export function moveRuns({ array, runs, runCount }: KernelArgs<'moveRuns'>): void {
  for (let r = 0; r < runCount; r++) {
    const [start, end, d] = [runs[3 * r], runs[3 * r + 1], runs[3 * r + 2]];
    if (d < 0) array.copyWithin(start + d, start, end);
  }
  for (let r = runCount - 1; r >= 0; r--) {
    const [start, end, d] = [runs[3 * r], runs[3 * r + 1], runs[3 * r + 2]];
    if (d > 0) array.copyWithin(start + d, start, end);
  }
}

export function sum({ x, n }: KernelArgs<'sum'>): number {
  let acc = 0;
  for (let i = 0; i < n; i++) acc += x[i];
  return acc;
}
