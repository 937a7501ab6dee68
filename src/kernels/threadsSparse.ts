/**
 * The SparseKernels contract on a thread pool. spmm and sddmm split the rows of W, balanced by kept entries
 * (threadsSplit.ts); spmmTransposed, whose rows all scatter into the same dx rows, splits the batch columns
 * at multiples of 4. Every split gives the bits of one thread. Small products, and all of them once the pool
 * is closed, run on the calling thread.
 */
import type { SparseKernels } from './sparseKernels.js';
import type { ThreadPool } from './threadsPool.js';
import { splitEvenly, splitRowsByCost } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';

/** Batch columns per SIMD vector: spmmTransposed cuts the batch at multiples of this. */
const VECTOR_COLUMNS = 4;

/**
 * Multiply-adds (nnz·batch) below which a sparse product stays on one thread: ~10 µs of work at the sparse
 * kernels' ~25 GFLOP/s, against a dispatch of ~1.5 µs (see MATMUL_THREAD_MIN_FLOPS in threadsDense.ts).
 */
export const SPARSE_THREAD_MIN_MULTIPLY_ADDS = 125_000;

/**
 * `base` (the single-threaded wasm sparse kernels on `memory`) with every product of at least
 * `minMultiplyAdds` multiply-adds (nnz·batch) split over `pool`.
 */
export function threadedSparseKernels(
  base: SparseKernels,
  pool: ThreadPool,
  memory: WebAssembly.Memory,
  minMultiplyAdds = SPARSE_THREAD_MIN_MULTIPLY_ADDS,
): SparseKernels {
  const ptr = viewPointer(memory);
  /** True for products to leave to `base`: small ones, a closed pool, a pattern too short (base reports it). */
  const small = (rowOffsets: Int32Array, rows: number, batch: number) =>
    pool.closed || rowOffsets.length <= rows || rowOffsets[rows] * batch < minMultiplyAdds;
  /** Offsets of the pattern and of its per-entry array (`values` or `out`), checked as wasmSparse.ts does. */
  const pattern = (
    rowOffsets: Int32Array,
    columnIndices: Int32Array,
    perEntry: Float32Array,
    perEntryName: string,
    rows: number,
  ) => {
    const nnz = rowOffsets[rows];
    return [
      ptr(rowOffsets, rows + 1, 'rowOffsets'),
      ptr(columnIndices, nnz, 'columnIndices'),
      ptr(perEntry, nnz, perEntryName),
    ];
  };
  return {
    name: base.name,
    spmm(rowOffsets, columnIndices, values, x, y, rows, batch, accumulate) {
      if (small(rowOffsets, rows, batch)) {
        base.spmm(rowOffsets, columnIndices, values, x, y, rows, batch, accumulate);
        return;
      }
      const operands = [
        ...pattern(rowOffsets, columnIndices, values, 'values', rows),
        ptr(x, batch, 'x'),
        ptr(y, rows * batch, 'y'),
      ];
      const cuts = splitRowsByCost(rowOffsets, rows, pool.threads);
      pool.run(
        'spmm',
        cuts.slice(1).map((end, t) => [...operands, cuts[t], end, batch, 0, batch, Number(accumulate)]),
      );
    },
    spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate) {
      if (small(rowOffsets, rows, batch) || batch < 2 * VECTOR_COLUMNS) {
        base.spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate);
        return;
      }
      const operands = [
        ...pattern(rowOffsets, columnIndices, values, 'values', rows),
        ptr(dy, rows * batch, 'dy'),
        ptr(dx, cols * batch, 'dx'),
        rows,
        cols,
        batch,
      ];
      const cuts = splitEvenly(batch, pool.threads, VECTOR_COLUMNS);
      pool.run(
        'spmmTransposed',
        cuts.slice(1).map((end, t) => [...operands, cuts[t], end, Number(accumulate)]),
      );
    },
    sddmm(rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate) {
      if (small(rowOffsets, rows, batch)) {
        base.sddmm(rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate);
        return;
      }
      const [offsetsAt, indicesAt, outAt] = pattern(rowOffsets, columnIndices, out, 'out', rows);
      const operands = [offsetsAt, indicesAt, ptr(dy, rows * batch, 'dy'), ptr(x, batch, 'x'), outAt];
      const cuts = splitRowsByCost(rowOffsets, rows, pool.threads);
      pool.run(
        'sddmm',
        cuts.slice(1).map((end, t) => [...operands, cuts[t], end, batch, 0, batch, Number(accumulate)]),
      );
    },
  };
}
