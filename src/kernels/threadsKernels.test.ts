import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Random } from '../util/random.js';
import { createSharedMemory, Heap } from './heap.js';
import type { Kernels } from './kernels.js';
import type { SparseKernels } from './sparseKernels.js';
import { threadedKernels } from './threadsDense.js';
import { ThreadPool } from './threadsPool.js';
import { threadedSparseKernels } from './threadsSparse.js';
import { instantiateWasmKernels, type WasmVariant } from './wasm.js';
import { wasmSparseKernels } from './wasmSparse.js';

// Node 20 validates relaxed SIMD only behind a V8 flag; set it before the first compile to test that build too.
setFlagsFromString('--experimental-wasm-relaxed-simd');

/** The index of the first entry whose bits differ, or −1 when the arrays are bit-identical. */
function firstDifference(got: Float32Array, want: Float32Array): number {
  const a = new Uint32Array(got.buffer, got.byteOffset, got.length);
  const b = new Uint32Array(want.buffer, want.byteOffset, want.length);
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

const FORMS = [
  ['NN', false, false],
  ['TN', true, false],
  ['NT', false, true],
] as const;

for (const variant of ['simd', 'relaxed'] as WasmVariant[]) {
  for (const threads of [2, 3]) {
    describe(`${threads} threads, ${variant} build: bit-identical to one thread`, () => {
      const random = new Random(11 + threads);
      let heap: Heap;
      let pool: ThreadPool;
      let one: { dense: Kernels; sparse: SparseKernels };
      let many: { dense: Kernels; sparse: SparseKernels };

      beforeAll(() => {
        const memory = createSharedMemory(16);
        const instance = instantiateWasmKernels(memory, variant);
        heap = new Heap(memory, instance.heapBase);
        pool = new ThreadPool({ threads, module: instance.module, exports: instance.exports, heap });
        one = { dense: instance.kernels, sparse: wasmSparseKernels(instance.exports, memory) };
        // Thresholds of zero: every product is split, however small, so odd shapes exercise the splits.
        many = {
          dense: threadedKernels(one.dense, pool, memory, 0),
          sparse: threadedSparseKernels(one.sparse, pool, memory, 0),
        };
      });
      afterAll(() => pool.close());

      const filled = (n: number) => {
        const view = heap.allocF32(n);
        for (let i = 0; i < n; i++) view[i] = random.normal();
        return view;
      };
      /** Two heap copies of the same random contents: the outputs of one thread and of the pool. */
      const outputs = (n: number) => {
        const single = filled(n);
        const threaded = heap.allocF32(n);
        threaded.set(single);
        return { single, threaded };
      };

      test('dense matmul NN, TN and NT on odd shapes, k beyond one block, both accumulate modes', () => {
        const run = vi.spyOn(pool, 'run');
        for (const [m, k, n] of [
          [9, 7, 5],
          [13, 300, 17],
          [37, 33, 600],
          [64, 64, 64],
          [130, 129, 131],
          [11, 0, 6],
        ]) {
          const a = filled(m * k);
          const b = filled(k * n);
          for (const [form, transA, transB] of FORMS) {
            for (const accumulate of [false, true]) {
              const { single, threaded } = outputs(m * n);
              one.dense.matmul(a, b, single, m, k, n, transA, transB, accumulate);
              many.dense.matmul(a, b, threaded, m, k, n, transA, transB, accumulate);
              expect(firstDifference(threaded, single), `${form} ${m}×${k}·${k}×${n}`).toBe(-1);
            }
          }
        }
        expect(run).toHaveBeenCalledTimes(6 * 3 * 2);
        run.mockRestore();
      });

      /** A heap CSR weight keeping each entry with probability `density`; rows in `emptyRows` keep none. */
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

      function compareSparse(
        rows: number,
        cols: number,
        batch: number,
        density: number,
        emptyRows: number[] = [],
      ) {
        const { rowOffsets, columnIndices, values } = weight(rows, cols, density, emptyRows);
        const x = filled(cols * batch);
        const dy = filled(rows * batch);
        const shape = `${rows}×${cols} batch ${batch} density ${density}`;
        for (const accumulate of [false, true]) {
          const y = outputs(rows * batch);
          one.sparse.spmm(rowOffsets, columnIndices, values, x, y.single, rows, batch, accumulate);
          many.sparse.spmm(rowOffsets, columnIndices, values, x, y.threaded, rows, batch, accumulate);
          expect(firstDifference(y.threaded, y.single), `spmm ${shape}`).toBe(-1);

          const dx = outputs(cols * batch);
          one.sparse.spmmTransposed(
            rowOffsets,
            columnIndices,
            values,
            dy,
            dx.single,
            rows,
            cols,
            batch,
            accumulate,
          );
          many.sparse.spmmTransposed(
            rowOffsets,
            columnIndices,
            values,
            dy,
            dx.threaded,
            rows,
            cols,
            batch,
            accumulate,
          );
          expect(firstDifference(dx.threaded, dx.single), `spmmTransposed ${shape}`).toBe(-1);

          const out = outputs(values.length);
          one.sparse.sddmm(rowOffsets, columnIndices, dy, x, out.single, rows, batch, accumulate);
          many.sparse.sddmm(rowOffsets, columnIndices, dy, x, out.threaded, rows, batch, accumulate);
          expect(firstDifference(out.threaded, out.single), `sddmm ${shape}`).toBe(-1);
        }
      }

      for (const density of [0, 0.02, 0.1, 0.5, 1]) {
        test(`sparse products at density ${density} on odd and even shapes`, () => {
          for (const [rows, cols, batch] of [
            [7, 5, 3],
            [33, 17, 37],
            [64, 48, 64],
            [20, 70, 129],
            [101, 50, 8],
          ]) {
            compareSparse(rows, cols, batch, density);
          }
        });
      }

      test('sparse products with empty rows, batch 1 and one full row', () => {
        compareSparse(9, 13, 1, 0.5, [0, 4, 8]);
        compareSparse(40, 13, 36, 0.5, [1, 2, 3, 7, 20, 21, 22, 23, 24, 25, 26, 39]);
        compareSparse(1, 200, 35, 1);
      });
    });
  }
}
