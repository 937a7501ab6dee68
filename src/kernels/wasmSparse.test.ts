import { setFlagsFromString } from 'node:v8';
import { beforeAll, describe, expect, test } from 'vitest';
import { Random } from '../util/random.js';
import { createSharedMemory, Heap } from './heap.js';
import { matmulNN, matmulNT, matmulTN } from './reference/matmul.js';
import { referenceSparseKernels as ref } from './reference/sparse.js';
import type { SparseKernels } from './sparseKernels.js';
import { instantiateWasmKernels, type WasmVariant } from './wasm.js';
import { wasmSparseKernels } from './wasmSparse.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; set it before the first compile to test that build too.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** Entries within 1e-4 of the reference, relative to the magnitude of the terms summed (`scale`). */
function expectClose(got: Float32Array, want: Float32Array, scale: number) {
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i] - want[i]);
    if (!(error <= 1e-4 * (scale + Math.abs(want[i])))) {
      throw new Error(`entry ${i}: got ${got[i]}, want ${want[i]} (error ${error})`);
    }
  }
}

for (const variant of ['simd', 'relaxed'] as WasmVariant[]) {
  describe(`wasm sparse kernels, ${variant} build`, () => {
    let kernels: SparseKernels;
    let heap: Heap;
    const random = new Random(5);

    beforeAll(() => {
      const memory = createSharedMemory(16);
      const instance = instantiateWasmKernels(memory, variant);
      kernels = wasmSparseKernels(instance.exports, memory, instance.kernels.name);
      heap = new Heap(memory, instance.heapBase);
    });

    const filled = (n: number) => {
      const view = heap.allocF32(n);
      for (let i = 0; i < n; i++) view[i] = random.normal();
      return view;
    };

    /** A heap CSR weight with each entry kept with probability `density`, rows listed in `emptyRows` empty. */
    function weight(rows: number, cols: number, density: number, emptyRows: number[] = []) {
      const columns: number[] = [];
      const rowOffsets = heap.allocI32(rows + 1);
      for (let r = 0; r < rows; r++) {
        if (!emptyRows.includes(r))
          for (let c = 0; c < cols; c++) if (random.next() < density) columns.push(c);
        rowOffsets[r + 1] = columns.length;
      }
      const columnIndices = heap.allocI32(columns.length);
      columnIndices.set(columns);
      return { rowOffsets, columnIndices, values: filled(columns.length) };
    }

    /** Runs all three kernels on the wasm build and the reference, both accumulate modes, and compares. */
    function compare(rows: number, cols: number, batch: number, density: number, emptyRows: number[] = []) {
      const { rowOffsets, columnIndices, values } = weight(rows, cols, density, emptyRows);
      const x = filled(cols * batch);
      const dy = filled(rows * batch);
      const scale = 4 * Math.sqrt(cols + rows + batch);
      for (const accumulate of [false, true]) {
        const y = filled(rows * batch);
        const yWant = y.slice();
        kernels.spmm({ rowOffsets, columnIndices, values, x, y, rows, batch, accumulate });
        ref.spmm({ rowOffsets, columnIndices, values, x, y: yWant, rows, batch, accumulate });
        expectClose(y, yWant, scale);

        const dx = filled(cols * batch);
        const dxWant = dx.slice();
        kernels.spmmTransposed({ rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate });
        ref.spmmTransposed({
          rowOffsets,
          columnIndices,
          values,
          dy,
          dx: dxWant,
          rows,
          cols,
          batch,
          accumulate,
        });
        expectClose(dx, dxWant, scale);

        const out = filled(values.length);
        const outWant = out.slice();
        kernels.sddmm({ rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate });
        ref.sddmm({ rowOffsets, columnIndices, dy, x, out: outWant, rows, batch, accumulate });
        expectClose(out, outWant, scale);
      }
    }

    for (const density of [0, 0.02, 0.1, 0.5, 1]) {
      test(`matches the reference at density ${density} on odd and even shapes`, () => {
        for (const [rows, cols, batch] of [
          [1, 1, 1],
          [7, 5, 3],
          [33, 17, 37],
          [64, 48, 64],
          [20, 70, 129],
          [11, 9, 55], // one 24-column panel, then every tail: 16, 8, 4 and 3 single columns
        ]) {
          compare(rows, cols, batch, density);
        }
      });
    }

    test('empty rows, batch 1, and a single full row', () => {
      compare(9, 13, 1, 0.5, [0, 4, 8]);
      compare(9, 13, 36, 0.5, [1, 2, 3, 7]);
      compare(1, 200, 35, 1);
    });

    test('equals the dense product on the densified weight', () => {
      const [rows, cols, batch] = [24, 40, 45];
      const { rowOffsets, columnIndices, values } = weight(rows, cols, 0.3);
      const dense = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++)
          dense[r * cols + columnIndices[p]] = values[p];
      }
      const x = filled(cols * batch);
      const dy = filled(rows * batch);
      const y = heap.allocF32(rows * batch);
      kernels.spmm({ rowOffsets, columnIndices, values, x, y, rows, batch, accumulate: false });
      const yDense = new Float32Array(rows * batch);
      matmulNN({ a: dense, b: x, c: yDense, m: rows, k: cols, n: batch, accumulate: false });
      expectClose(y, yDense, 10);

      const dx = heap.allocF32(cols * batch);
      kernels.spmmTransposed({
        rowOffsets,
        columnIndices,
        values,
        dy,
        dx,
        rows,
        cols,
        batch,
        accumulate: false,
      });
      const dxDense = new Float32Array(cols * batch);
      matmulTN({ a: dense, b: dy, c: dxDense, m: cols, k: rows, n: batch, accumulate: false });
      expectClose(dx, dxDense, 10);

      const out = heap.allocF32(values.length);
      kernels.sddmm({ rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate: false });
      const dW = new Float32Array(rows * cols);
      matmulNT({ a: dy, b: x, c: dW, m: rows, k: batch, n: cols, accumulate: false });
      const sampled = new Float32Array(values.length);
      for (let r = 0; r < rows; r++) {
        for (let p = rowOffsets[r]; p < rowOffsets[r + 1]; p++) sampled[p] = dW[r * cols + columnIndices[p]];
      }
      expectClose(out, sampled, 10);
    });

    test('refuses arrays outside the heap or too short for the sizes', () => {
      const { rowOffsets, columnIndices, values } = weight(4, 4, 1);
      const x = filled(4 * 8);
      expect(() =>
        kernels.spmm({
          rowOffsets,
          columnIndices,
          values,
          x,
          y: new Float32Array(32),
          rows: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/y is not in the kernel heap/);
      expect(() =>
        kernels.spmm({
          rowOffsets,
          columnIndices,
          values,
          x,
          y: heap.allocF32(31),
          rows: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/y has 31 entries but the kernel needs 32/);
      expect(() =>
        kernels.spmmTransposed({
          rowOffsets,
          columnIndices,
          values,
          dy: x,
          dx: heap.allocF32(8),
          rows: 4,
          cols: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/dx has 8 entries/);
      expect(() =>
        kernels.sddmm({
          rowOffsets,
          columnIndices,
          dy: x,
          x,
          out: heap.allocF32(15),
          rows: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/out has 15 entries but the kernel needs 16/);
      // x is [cols × batch]: the product reads column 3's batch row, so 3 rows of 8 are too few.
      const short = heap.allocF32(3 * 8);
      expect(() =>
        kernels.spmm({
          rowOffsets,
          columnIndices,
          values,
          x: short,
          y: filled(32),
          rows: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/x has 24 entries but the kernel needs 32/);
      expect(() =>
        kernels.sddmm({
          rowOffsets,
          columnIndices,
          dy: x,
          x: short,
          out: filled(16),
          rows: 4,
          batch: 8,
          accumulate: false,
        }),
      ).toThrow(/x has 24 entries but the kernel needs 32/);
    });
  });
}
