/**
 * The SparseKernels contract on a thread pool. spmm and sddmm split the rows of W, balanced by kept entries
 * (threadsSplit.ts); spmmTransposed, whose rows all scatter into the same dx rows, splits the batch columns
 * at multiples of 4. Every split gives the bits of one thread. Small products, and all of them once the pool
 * is closed, run on the calling thread.
 */
import type { SparseKernels } from './sparseKernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly, splitRowsByCost } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';

/** Batch columns per SIMD vector: spmmTransposed cuts the batch at multiples of this. */
const VECTOR_COLUMNS = 4;
/** Batch columns spmmTransposed keeps in registers per row of W (its widest loop). */
const REGISTER_COLUMNS = 32;

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
      const args = [
        ...pattern(rowOffsets, columnIndices, values, 'values', rows),
        ptr(x, batch, 'x'),
        ptr(y, rows * batch, 'y'),
        0,
        rows,
        batch,
        0,
        batch,
        Number(accumulate),
      ];
      pool.run('spmm', args, 5, splitRowsByCost(rowOffsets, rows, chunkCount(pool.threads, rows)));
    },
    spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate) {
      if (small(rowOffsets, rows, batch) || batch < 2 * VECTOR_COLUMNS) {
        base.spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate);
        return;
      }
      const args = [
        ...pattern(rowOffsets, columnIndices, values, 'values', rows),
        ptr(dy, rows * batch, 'dy'),
        ptr(dx, cols * batch, 'dx'),
        rows,
        cols,
        batch,
        0,
        batch,
        Number(accumulate),
      ];
      // Every chunk walks the whole pattern, so chunks stay at least one 32-column register block wide.
      const chunks = chunkCount(pool.threads, Math.max(2, Math.floor(batch / REGISTER_COLUMNS)));
      pool.run('spmmTransposed', args, 8, splitEvenly(batch, chunks, VECTOR_COLUMNS));
    },
    sddmm(rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate) {
      if (small(rowOffsets, rows, batch)) {
        base.sddmm(rowOffsets, columnIndices, dy, x, out, rows, batch, accumulate);
        return;
      }
      const [offsetsAt, indicesAt, outAt] = pattern(rowOffsets, columnIndices, out, 'out', rows);
      const args = [
        offsetsAt,
        indicesAt,
        ptr(dy, rows * batch, 'dy'),
        ptr(x, batch, 'x'),
        outAt,
        0,
        rows,
        batch,
        0,
        batch,
        Number(accumulate),
      ];
      pool.run('sddmm', args, 5, splitRowsByCost(rowOffsets, rows, chunkCount(pool.threads, rows)));
    },
  };
}
