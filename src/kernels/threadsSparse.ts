/**
 * The SparseKernels contract on a thread pool. spmm and sddmm split the rows of W, balanced by kept entries
 * (threadsSplit.ts). spmmTransposed splits the batch columns: every row of W scatters into every row of dx,
 * so rows cannot be split without two threads adding into the same entries, but each batch column of dx is a
 * sum of its own; a chunk is a whole number of the kernel's 32-column panels (4 columns when the batch is too
 * narrow for a panel per thread), and every dx entry gets its terms in ascending row order, as in one call.
 * So all three give the bits of one thread. Small products, and all of them once the pool is closed, run on
 * the calling thread.
 */
import type { SparseKernels } from './sparseKernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly, splitRowsByCost } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';
import { columnsRead } from './wasmSparse.js';

/**
 * Multiply-adds (nnz·batch) below which a sparse product stays on one thread: ~20 µs of work at the sparse
 * kernels' ~25 GFLOP/s, the margin of MATMUL_THREAD_MIN_FLOPS (threadsDense.ts), for the same reasons.
 */
export const SPARSE_THREAD_MIN_MULTIPLY_ADDS = 250_000;

/** Batch columns of spmmTransposed's panel (assembly/sparseSpmmTransposed.ts). */
const TRANSPOSED_PANEL = 32;

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
      pool.run(
        'spmm',
        args,
        { rangeArg: 5 },
        splitRowsByCost(rowOffsets, rows, chunkCount(pool.threads, rows)),
      );
    },
    spmmTransposed(rowOffsets, columnIndices, values, dy, dx, rows, cols, batch, accumulate) {
      if (small(rowOffsets, rows, batch) || batch < 8) {
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
      const multiple = batch >= TRANSPOSED_PANEL * pool.threads ? TRANSPOSED_PANEL : 4;
      const chunks = chunkCount(pool.threads, batch / multiple);
      pool.run('spmmTransposed', args, { rangeArg: 8 }, splitEvenly(batch, chunks, multiple));
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
        ptr(x, columnsRead(rowOffsets, columnIndices, rows) * batch, 'x'),
        outAt,
        0,
        rows,
        batch,
        0,
        batch,
        Number(accumulate),
      ];
      pool.run(
        'sddmm',
        args,
        { rangeArg: 5 },
        splitRowsByCost(rowOffsets, rows, chunkCount(pool.threads, rows)),
      );
    },
  };
}
