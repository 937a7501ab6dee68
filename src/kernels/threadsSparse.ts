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
import type { BoundKernel } from './wasmKernels.js';

/**
 * Multiply-adds (nnz·batch) below which a sparse product stays on one thread: ~20 µs of work at the sparse
 * kernels' ~25 GFLOP/s, the margin of MATMUL_THREAD_MIN_FLOPS (threadsDense.ts), for the same reasons.
 */
export const SPARSE_THREAD_MIN_MULTIPLY_ADDS = 250_000;

/** What a split reads of a product's call. */
interface Pattern {
  readonly rowOffsets: Int32Array;
  readonly rows: number;
  readonly batch: number;
}

/** Batch columns of spmmTransposed's panel (assembly/sparseSpmmTransposed.ts). */
const TRANSPOSED_PANEL = 32;

/**
 * `base` (the single-threaded wasm sparse kernels whose bindings `bound` holds) with every product of at least
 * `minMultiplyAdds` multiply-adds (nnz·batch) split over `pool`.
 */
export function threadedSparseKernels(
  base: SparseKernels,
  pool: ThreadPool,
  bound: ReadonlyMap<string, BoundKernel>,
  minMultiplyAdds = SPARSE_THREAD_MIN_MULTIPLY_ADDS,
): SparseKernels {
  /** True for products to leave to `base`: small ones, a closed pool, a pattern too short (base reports it). */
  const small = ({ rowOffsets, rows, batch }: Pattern) =>
    pool.closed || rowOffsets.length <= rows || rowOffsets[rows] * batch < minMultiplyAdds;
  /** The export's arguments for `call` and the index of its range argument `first` (r0 or b0). */
  const argsOf = (kernel: keyof SparseKernels & string, call: object, first: string) => {
    const binding = bound.get(kernel)!;
    const args = binding.wasmArgs(call);
    return { args, rangeArg: binding.specs.findIndex(([name]) => name === first) };
  };
  /** spmm and sddmm: rows of W, balanced by their kept entries. */
  const byRows = (kernel: 'spmm' | 'sddmm', call: Pattern) => {
    const { args, rangeArg } = argsOf(kernel, call, 'r0');
    const cuts = splitRowsByCost(call.rowOffsets, call.rows, chunkCount(pool.threads, call.rows));
    pool.run(kernel, args, { rangeArg }, cuts);
  };
  return {
    name: base.name,
    spmm(call) {
      if (small(call)) return base.spmm(call);
      byRows('spmm', call);
    },
    spmmTransposed(call) {
      const { batch } = call;
      if (small(call) || batch < 8) return base.spmmTransposed(call);
      const { args, rangeArg } = argsOf('spmmTransposed', call, 'b0');
      const multiple = batch >= TRANSPOSED_PANEL * pool.threads ? TRANSPOSED_PANEL : 4;
      const chunks = chunkCount(pool.threads, batch / multiple);
      pool.run('spmmTransposed', args, { rangeArg }, splitEvenly(batch, chunks, multiple));
    },
    sddmm(call) {
      if (small(call)) return base.sddmm(call);
      byRows('sddmm', call);
    },
  };
}
