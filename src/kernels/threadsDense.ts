/**
 * The Kernels contract on a thread pool: a large matmul is split by rows of C over the threads (at multiples
 * of the 4-row register tile, see threadsSplit.ts), so its result has the bits of one thread; the large
 * elementwise and slice-wise kernels are split as threadsElementwise.ts says, causal attention by its blocks
 * (threadsAttention.ts); small calls, the remaining kernels (reductions to one number, the loss, layer norm,
 * the head gathers, the embeddings), and everything once the pool is closed run on the calling thread
 * through `base`.
 */
import type { KernelArgs, Kernels } from './kernels.js';
import { threadedAttention } from './threadsAttention.js';
import { ELEMENTWISE_THREAD_MIN_ENTRIES, threadedElementwise } from './threadsElementwise.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import type { BoundKernel } from './wasmKernels.js';

/** Rows of the matmul register tile (MR in assembly/matmulPack.ts). */
const TILE_ROWS = 4;
/**
 * Rows below which a matmul chunk is not cut further: every chunk packs its block of B again (kc·n floats for
 * rows·kc·n multiply-adds), so 128 rows keep the repacking to a few percent of the chunk's work.
 */
const MIN_CHUNK_ROWS = 128;

/**
 * Floating-point operations (2·m·k·n) below which a matmul stays on one thread: ~20 µs of work at ~50
 * GFLOP/s. A dispatch to a polling worker costs ~1.5 µs, and on an idle machine two threads won from
 * 0.26 MFLOP (32×32·32×128: 7.1 → 5.2 µs). A worker woken from sleep starts 50–90 µs late, but the main
 * thread claims chunks too, so a late worker costs a small product nothing. Causal attention splits its blocks
 * from the same count of its own FLOPs (threadsAttention.ts).
 */
export const MATMUL_THREAD_MIN_FLOPS = 1_000_000;

/**
 * `base` (the single-threaded wasm kernels whose bindings `bound` holds) with every matmul of at least
 * `minFlops` floating-point operations, and every elementwise call of at least `minEntries` entries, split
 * over `pool`.
 */
export function threadedKernels(
  base: Kernels,
  pool: ThreadPool,
  bound: ReadonlyMap<string, BoundKernel>,
  minFlops = MATMUL_THREAD_MIN_FLOPS,
  minEntries = ELEMENTWISE_THREAD_MIN_ENTRIES,
): Kernels {
  /** The product `form` with its rows split: matmulRows takes matmul's arguments and a row range. */
  const matmul = (form: 'matmulNN' | 'matmulTN' | 'matmulNT') => {
    const binding = bound.get(form)!;
    return (call: KernelArgs<'matmulNN'>) => {
      const { m, k, n } = call;
      if (pool.closed || 2 * m * k * n < minFlops || m < 2 * TILE_ROWS) return base[form](call);
      const args = binding.wasmArgs(call);
      args.push(0, m);
      const chunks = Math.min(
        m / TILE_ROWS,
        Math.max(pool.threads, chunkCount(pool.threads, m / MIN_CHUNK_ROWS)),
      );
      pool.run(
        'matmulRows',
        args,
        { rangeArg: args.length - 2 },
        splitEvenly(m, Math.floor(chunks), TILE_ROWS),
      );
    };
  };
  return {
    ...base,
    ...threadedElementwise(base, pool, bound, minEntries),
    ...threadedAttention(base, pool, bound, minFlops),
    matmulNN: matmul('matmulNN'),
    matmulTN: matmul('matmulTN'),
    matmulNT: matmul('matmulNT'),
  };
}
