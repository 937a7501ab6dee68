/**
 * The SparseKernels contract on a thread pool. spmm and sddmm split the rows of W, balanced by kept entries
 * (threadsSplit.ts), which gives the bits of one thread. spmmTransposed stays on one thread: every row of W
 * scatters into the same rows of dx, and splitting the batch columns instead (bit-identical too, at multiples
 * of 4) was measured slower than one thread. Small products, and all of them once the pool is closed, run on
 * the calling thread.
 */
import type { SparseKernels } from './sparseKernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitRowsByCost } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';
import { columnsRead } from './wasmSparse.js';

/**
 * Multiply-adds (nnz·batch) below which a sparse product stays on one thread: ~80 µs of work at the sparse
 * kernels' ~25 GFLOP/s, the same margin as MATMUL_THREAD_MIN_FLOPS (threadsDense.ts) for the same reasons.
 */
export const SPARSE_THREAD_MIN_MULTIPLY_ADDS = 1_000_000;

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
        ptr(x, columnsRead(rowOffsets, columnIndices, rows) * batch, 'x'),
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
    // Measured not to pay: two threads splitting the batch took 1.62 ms where one took 1.38 (density 0.1)
    // and 6.56 against 6.31 (density 0.5), as both scatter into every row of dx; it stays on one thread.
    spmmTransposed: base.spmmTransposed,
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
        ptr(x, columnsRead(rowOffsets, columnIndices, rows) * batch, 'x'),
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
