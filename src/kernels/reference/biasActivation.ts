/**
 * A layer's bias and activation in one pass (see the Kernels contract), as the composition it fuses:
 * z = x + bias[r] (float32), then the activation and its gradient from reference/elementwise.ts row by row.
 */
import type { KernelArgs } from '../kernels.js';
import { gelu, geluBackward } from './elementwise.js';

/** Calls visit(r, z) with row r of z = x + bias[r] in a float32 row buffer. */
function forEachBiasedRow(
  x: Float32Array,
  bias: Float32Array,
  rows: number,
  cols: number,
  visit: (r: number, z: Float32Array) => void,
): void {
  const z = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) z[c] = x[r * cols + c] + bias[r];
    visit(r, z);
  }
}

export function biasGelu({ x, bias, out, slope, rows, cols }: KernelArgs<'biasGelu'>): void {
  const ones = new Float32Array(cols).fill(1);
  forEachBiasedRow(x, bias, rows, cols, (r, z) => {
    gelu({ x: z, out: out.subarray(r * cols, (r + 1) * cols), n: cols });
    if (slope)
      geluBackward({
        x: z,
        dy: ones,
        dx: slope.subarray(r * cols, (r + 1) * cols),
        n: cols,
        accumulate: false,
      });
  });
}

export function biasRelu({ x, bias, out, rows, cols }: KernelArgs<'biasRelu'>) {
  for (let i = 0; i < rows * cols; i++) out[i] = Math.max(x[i] + bias[Math.floor(i / cols)], 0);
}

export function biasActivationBackward({
  saved,
  dy,
  dx,
  dbias,
  rows,
  cols,
  relu,
  accumulate,
}: KernelArgs<'biasActivationBackward'>): void {
  const g = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const [factor, grad] = [saved[r * cols + c], dy[r * cols + c]];
      g[c] = relu ? (factor > 0 ? grad : 0) : grad * factor;
    }
    addRow(g, dx, dbias, r, cols, accumulate);
  }
}

/** dx[r, ·] (+)= g and dbias[r] += Σ g. */
function addRow(
  g: Float32Array,
  dx: Float32Array,
  dbias: Float32Array,
  r: number,
  cols: number,
  accumulate: boolean,
) {
  let total = 0;
  for (let c = 0; c < cols; c++) {
    dx[r * cols + c] = accumulate ? dx[r * cols + c] + g[c] : g[c];
    total += g[c];
  }
  dbias[r] += total;
}
