/**
 * Causal attention on a thread pool: its (sequence, head) blocks are independent and contiguous in q, k, v,
 * out, dout, dq, dk, dv and the stored probabilities (kernels.ts, causalAttention), so a chunk is a call on a
 * range of blocks with its pointers moved to the range's start, and every entry is computed by the same
 * instructions as in one call. The backward's scratch (3·causalProbsSize(T) floats) is per call, so each
 * chunk gets its own region of a heap array taken for the job (Slicing.chunkArg).
 *
 * Calls below `minFlops` (4·blocks·causalProbsSize(T)·d_h each way: the Q·Kᵀ and P·V products on the causal
 * tiles) run on the calling thread, as does everything once the pool is closed.
 */
import { causalProbsSize, type Kernels } from './kernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';

/** Bytes per float. */
const F = 4;

/** `base`'s causal attention, forward and backward, split by blocks over `pool` from `minFlops` on. */
export function threadedAttention(
  base: Kernels,
  pool: ThreadPool,
  memory: WebAssembly.Memory,
  minFlops: number,
): Pick<Kernels, 'causalAttention' | 'causalAttentionBackward'> {
  const ptr = viewPointer(memory);
  const small = (length: number, headDim: number, blocks: number) =>
    pool.closed || blocks < 2 || 4 * blocks * causalProbsSize(length) * headDim < minFlops;
  const cutBlocks = (blocks: number) => splitEvenly(blocks, chunkCount(pool.threads, blocks), 1);
  return {
    causalAttention(q, k, v, probs, out, length, headDim, blocks, scale) {
      if (small(length, headDim, blocks)) {
        return base.causalAttention(q, k, v, probs, out, length, headDim, blocks, scale);
      }
      const n = blocks * length * headDim;
      const probsSize = causalProbsSize(length);
      const args = [ptr(q, n, 'q'), ptr(k, n, 'k'), ptr(v, n, 'v')];
      args.push(ptr(probs, blocks * probsSize, 'probs'), ptr(out, n, 'out'), length, headDim, blocks, scale);
      const block = length * headDim * F;
      pool.run(
        'causalAttention',
        args,
        { countArg: 7, strides: [block, block, block, probsSize * F, block] },
        cutBlocks(blocks),
      );
    },
    causalAttentionBackward(...call) {
      const [q, k, v, probs, dout, dq, dk, dv, , length, headDim, blocks, scale] = call;
      // The caller's scratch (3·causalProbsSize(T) floats) serves one call; a split call takes one per chunk.
      if (small(length, headDim, blocks)) return base.causalAttentionBackward(...call);
      const n = blocks * length * headDim;
      const probsSize = causalProbsSize(length);
      const cuts = cutBlocks(blocks);
      const region = 3 * probsSize;
      const regions = pool.heap.allocF32((cuts.length - 1) * region, false);
      const args = [ptr(q, n, 'q'), ptr(k, n, 'k'), ptr(v, n, 'v'), ptr(probs, blocks * probsSize, 'probs')];
      args.push(ptr(dout, n, 'dout'), ptr(dq, n, 'dq'), ptr(dk, n, 'dk'), ptr(dv, n, 'dv'));
      args.push(ptr(regions, regions.length, 'scratch'), length, headDim, blocks, scale);
      const block = length * headDim * F;
      const strides = [block, block, block, probsSize * F, block, block, block, block];
      try {
        pool.run(
          'causalAttentionBackward',
          args,
          { countArg: 11, strides, chunkArg: 8, chunkBytes: region * F },
          cuts,
        );
      } finally {
        pool.heap.free(regions);
      }
    },
  };
}
