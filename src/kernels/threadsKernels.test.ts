import { setFlagsFromString } from 'node:v8';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import { Random } from '../util/random.js';
import { createSharedMemory, Heap } from './heap.js';
import { causalProbsSize, type Kernels } from './kernels.js';
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

const FORMS = ['NN', 'TN', 'NT'] as const;

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
        one = {
          dense: instance.kernels,
          sparse: wasmSparseKernels(instance.exports, memory, 'wasm-simd', instance.bound),
        };
        // Thresholds of zero: every product is split, however small, so odd shapes exercise the splits.
        many = {
          dense: threadedKernels(one.dense, pool, instance.bound, 0, 0),
          sparse: threadedSparseKernels(one.sparse, pool, instance.bound, 0),
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
          for (const form of FORMS) {
            for (const accumulate of [false, true]) {
              const { single, threaded } = outputs(m * n);
              one.dense[`matmul${form}`]({ a, b, c: single, m, k, n, accumulate });
              many.dense[`matmul${form}`]({ a, b, c: threaded, m, k, n, accumulate });
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
          one.sparse.spmm({ rowOffsets, columnIndices, values, x, y: y.single, rows, batch, accumulate });
          many.sparse.spmm({ rowOffsets, columnIndices, values, x, y: y.threaded, rows, batch, accumulate });
          expect(firstDifference(y.threaded, y.single), `spmm ${shape}`).toBe(-1);

          const dx = outputs(cols * batch);
          one.sparse.spmmTransposed({
            rowOffsets,
            columnIndices,
            values,
            dy,
            dx: dx.single,
            rows,
            cols,
            batch,
            accumulate,
          });
          many.sparse.spmmTransposed({
            rowOffsets,
            columnIndices,
            values,
            dy,
            dx: dx.threaded,
            rows,
            cols,
            batch,
            accumulate,
          });
          expect(firstDifference(dx.threaded, dx.single), `spmmTransposed ${shape}`).toBe(-1);

          const out = outputs(values.length);
          one.sparse.sddmm({ rowOffsets, columnIndices, dy, x, out: out.single, rows, batch, accumulate });
          many.sparse.sddmm({ rowOffsets, columnIndices, dy, x, out: out.threaded, rows, batch, accumulate });
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

      test('every sparse product is split (spmmTransposed by batch panels of 32, or of 4 when narrow)', () => {
        const run = vi.spyOn(pool, 'run');
        compareSparse(30, 20, 8, 0.5);
        compareSparse(30, 20, 200, 0.5);
        const kernels = run.mock.calls.map(([kernel]) => kernel);
        expect(kernels.filter((kernel) => kernel === 'spmmTransposed')).toHaveLength(4);
        const cuts = run.mock.calls.filter(([kernel]) => kernel === 'spmmTransposed').map((call) => call[3]);
        expect(cuts[0]).toEqual([0, 4, 8]);
        for (const cut of cuts[2].slice(1, -1)) expect(cut % 32).toBe(0);
        run.mockRestore();
      });

      /** Each elementwise or slice-wise kernel on sizes around the 16-entry cuts, run by `kernels`. */
      const elementwiseCases = (n: number, slices: number) => {
        const [a, b, c] = [filled(n), filled(n), filled(n)];
        const columns = Math.max(1, Math.floor(n / slices));
        const pool2d = { channels: slices, height: 6, width: 5, batch: 3, kh: 2, kw: 2, sh: 2, sw: 1 };
        const poolIn = filled(slices * 90);
        const poolOut = slices * 3 * 4 * 3;
        const poolGrad = filled(poolOut);
        // stride [1, 2], padding 1
        const im2colSizes = {
          channels: slices,
          height: 6,
          width: 5,
          batch: 3,
          kh: 3,
          kw: 3,
          sh: 1,
          sw: 2,
          ph: 1,
          pw: 1,
        };
        const image = filled(slices * 90);
        const columnsOf = slices * 9 * 6 * 3 * 3;
        const dcolumns = filled(columnsOf);
        return {
          outputs: {
            out: n,
            state1: n,
            state2: n,
            rows: slices,
            pooled: poolOut,
            pooledGrad: slices * 90,
            columns: columnsOf,
          },
          cases: {
            add: (k: Kernels, o: Record<string, Float32Array>) => k.add({ a, b, out: o.out, n }),
            mul: (k: Kernels, o: Record<string, Float32Array>) => k.mul({ a, b, out: o.out, n }),
            scale: (k: Kernels, o: Record<string, Float32Array>) => k.scale({ a, s: 0.3, out: o.out, n }),
            axpy: (k: Kernels, o: Record<string, Float32Array>) => k.axpy({ alpha: -0.7, x: a, y: o.out, n }),
            relu: (k: Kernels, o: Record<string, Float32Array>) => k.relu({ x: a, out: o.out, n }),
            reluBackward: (k: Kernels, o: Record<string, Float32Array>) =>
              k.reluBackward({ x: a, dy: b, dx: o.out, n, accumulate: true }),
            gelu: (k: Kernels, o: Record<string, Float32Array>) => k.gelu({ x: a, out: o.out, n }),
            geluBackward: (k: Kernels, o: Record<string, Float32Array>) =>
              k.geluBackward({ x: a, dy: b, dx: o.out, n, accumulate: false }),
            addRowBias: (k: Kernels, o: Record<string, Float32Array>) =>
              k.addRowBias({ x: a, bias: c, out: o.out, rows: slices, cols: columns }),
            biasGelu: (k: Kernels, o: Record<string, Float32Array>) => {
              k.biasGelu({ x: a, bias: c, out: o.out, slope: o.state1, rows: slices, cols: columns });
              k.biasGelu({ x: b, bias: c, out: o.state2, slope: null, rows: slices, cols: columns });
            },
            biasRelu: (k: Kernels, o: Record<string, Float32Array>) =>
              k.biasRelu({ x: a, bias: c, out: o.out, rows: slices, cols: columns }),
            biasActivationBackward: (k: Kernels, o: Record<string, Float32Array>) => {
              k.biasActivationBackward({
                saved: a,
                dy: b,
                dx: o.out,
                dbias: o.rows,
                rows: slices,
                cols: columns,
                relu: false,
                accumulate: true,
              });
              k.biasActivationBackward({
                saved: c,
                dy: b,
                dx: o.state1,
                dbias: o.rows,
                rows: slices,
                cols: columns,
                relu: true,
                accumulate: false,
              });
            },
            rowSums: (k: Kernels, o: Record<string, Float32Array>) =>
              k.rowSums({ x: a, out: o.rows, rows: slices, cols: columns, accumulate: true }),
            sgdUpdate: (k: Kernels, o: Record<string, Float32Array>) =>
              k.sgdUpdate({
                params: o.out,
                grads: b,
                velocity: o.state1,
                n,
                lr: 0.1,
                momentum: 0.9,
                nesterov: true,
                weightDecay: 1e-4,
              }),
            adamwUpdate: (k: Kernels, o: Record<string, Float32Array>) =>
              k.adamwUpdate({
                params: o.out,
                grads: b,
                m: o.state1,
                v: o.state2,
                n,
                lr: 1e-3,
                beta1: 0.9,
                beta2: 0.999,
                eps: 1e-8,
                weightDecay: 0.01,
                bc1: 0.1,
                bc2: 0.001,
              }),
            im2col: (k: Kernels, o: Record<string, Float32Array>) =>
              k.im2col({ x: image, cols: o.columns, ...im2colSizes }),
            col2im: (k: Kernels, o: Record<string, Float32Array>) =>
              k.col2im({ dcols: dcolumns, dx: o.pooledGrad, ...im2colSizes }),
            maxPool2d: (k: Kernels, o: Record<string, Float32Array>) =>
              k.maxPool2d({ x: poolIn, y: o.pooled, ...pool2d }),
            maxPool2dBackward: (k: Kernels, o: Record<string, Float32Array>) =>
              k.maxPool2dBackward({ x: poolIn, dy: poolGrad, dx: o.pooledGrad, ...pool2d }),
          },
        };
      };

      test('elementwise and slice-wise kernels, every size around the cuts', () => {
        const run = vi.spyOn(pool, 'run');
        for (const [n, slices] of [
          [1, 1],
          [17, 3],
          [100, 7],
          [1001, 13],
          [4099, 64],
        ]) {
          const { outputs: sizes, cases } = elementwiseCases(n, slices);
          for (const [name, call] of Object.entries(cases)) {
            const single: Record<string, Float32Array> = {};
            const threaded: Record<string, Float32Array> = {};
            for (const [key, size] of Object.entries(sizes)) {
              const pair = outputs(size);
              single[key] = pair.single;
              threaded[key] = pair.threaded;
            }
            call(one.dense, single);
            call(many.dense, threaded);
            for (const key of Object.keys(sizes)) {
              expect(firstDifference(threaded[key], single[key]), `${name} n ${n} ${key}`).toBe(-1);
            }
          }
        }
        const split = new Set(run.mock.calls.map(([kernel]) => kernel));
        expect([...split].sort()).toEqual(Object.keys(elementwiseCases(1, 1).cases).sort());
        run.mockRestore();
      });

      test('causal attention and its backward split by blocks, odd lengths and head sizes', () => {
        const run = vi.spyOn(pool, 'run');
        for (const [length, headDim, blocks] of [
          [1, 1, 2],
          [5, 3, 3],
          [17, 8, 7],
          [33, 5, 2],
          [40, 16, 9],
        ]) {
          const n = blocks * length * headDim;
          const [q, k, v, dout] = [filled(n), filled(n), filled(n), filled(n)];
          const probs = outputs(blocks * causalProbsSize(length));
          const out = outputs(n);
          const [dq, dk, dv] = [outputs(n), outputs(n), outputs(n)];
          const scratch = filled(3 * causalProbsSize(length));
          one.dense.causalAttention({
            q,
            k,
            v,
            probs: probs.single,
            out: out.single,
            length,
            headDim,
            blocks,
            scale: 0.4,
          });
          many.dense.causalAttention({
            q,
            k,
            v,
            probs: probs.threaded,
            out: out.threaded,
            length,
            headDim,
            blocks,
            scale: 0.4,
          });
          const sizes = { length, headDim, blocks, scale: 0.4 };
          one.dense.causalAttentionBackward({
            ...{ q, k, v, probs: probs.single, dout, dq: dq.single, dk: dk.single, dv: dv.single, scratch },
            ...sizes,
          });
          many.dense.causalAttentionBackward({
            ...{
              q,
              k,
              v,
              probs: probs.threaded,
              dout,
              dq: dq.threaded,
              dk: dk.threaded,
              dv: dv.threaded,
              scratch,
            },
            ...sizes,
          });
          const shape = `T ${length} d_h ${headDim} blocks ${blocks}`;
          for (const [name, pair] of Object.entries({ probs, out, dq, dk, dv })) {
            expect(firstDifference(pair.threaded, pair.single), `${name} ${shape}`).toBe(-1);
          }
        }
        const kernels = run.mock.calls.map(([kernel]) => kernel);
        expect(kernels.filter((kernel) => kernel === 'causalAttention')).toHaveLength(5);
        expect(kernels.filter((kernel) => kernel === 'causalAttentionBackward')).toHaveLength(5);
        run.mockRestore();
      });
    });
  }
}
