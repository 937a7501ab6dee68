import { describe, expect, test } from 'vitest';
import { Random } from '../../util/random.js';
import { matmulNN, matmulNT, matmulTN } from './matmul.js';
import { referenceSparseKernels as sparse } from './sparse.js';

/** A random CSR pattern (each entry kept with probability `density`) with normal values, and its dense form. */
function randomWeight(random: Random, rows: number, cols: number, density: number) {
  const rowOffsets = new Int32Array(rows + 1);
  const columns: number[] = [];
  const dense = new Float32Array(rows * cols);
  const values: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      if (random.next() >= density) continue;
      const v = random.normal();
      columns.push(c);
      values.push(v);
      dense[r * cols + c] = Math.fround(v);
    }
    rowOffsets[r + 1] = columns.length;
  }
  return { rowOffsets, columnIndices: Int32Array.from(columns), values: Float32Array.from(values), dense };
}

const filled = (random: Random, n: number) => Float32Array.from({ length: n }, () => random.normal());

function expectClose(got: Float32Array, want: Float32Array) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])));
}

describe('reference sparse kernels equal the dense product on the densified weight', () => {
  const random = new Random(3);
  for (const [rows, cols, batch, density] of [
    [5, 7, 3, 0.5],
    [16, 9, 1, 0.2],
    [4, 4, 6, 1],
    [6, 3, 5, 0],
  ] as const) {
    test(`${rows}×${cols}, batch ${batch}, density ${density}`, () => {
      const w = randomWeight(random, rows, cols, density);
      const x = filled(random, cols * batch);
      const dy = filled(random, rows * batch);

      const y = filled(random, rows * batch);
      const yDense = y.slice();
      sparse.spmm({
        rowOffsets: w.rowOffsets,
        columnIndices: w.columnIndices,
        values: w.values,
        x,
        y,
        rows,
        batch,
        accumulate: true,
      });
      matmulNN({ a: w.dense, b: x, c: yDense, m: rows, k: cols, n: batch, accumulate: true });
      expectClose(y, yDense);

      const dx = filled(random, cols * batch);
      const dxDense = new Float32Array(cols * batch);
      sparse.spmmTransposed({
        rowOffsets: w.rowOffsets,
        columnIndices: w.columnIndices,
        values: w.values,
        dy,
        dx,
        rows,
        cols,
        batch,
        accumulate: false,
      });
      matmulTN({ a: w.dense, b: dy, c: dxDense, m: cols, k: rows, n: batch, accumulate: false });
      expectClose(dx, dxDense);

      const dW = new Float32Array(rows * cols);
      matmulNT({ a: dy, b: x, c: dW, m: rows, k: batch, n: cols, accumulate: false });
      const sampled = new Float32Array(w.values.length).fill(1);
      sparse.sddmm({
        rowOffsets: w.rowOffsets,
        columnIndices: w.columnIndices,
        dy,
        x,
        out: sampled,
        rows,
        batch,
        accumulate: true,
      });
      const want = Float32Array.from(w.columnIndices, (c, p) => {
        let r = 0;
        while (w.rowOffsets[r + 1] <= p) r++;
        return 1 + dW[r * cols + c];
      });
      expectClose(sampled, want);
    });
  }
});
