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
import { causalProbsSize, type KernelArgs, type Kernels } from './kernels.js';
import { sliceStrides } from './threadsElementwise.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import type { BoundKernel } from './wasmKernels.js';

/** `base`'s causal attention, forward and backward, split by blocks over `pool` from `minFlops` on. */
export function threadedAttention(
  base: Kernels,
  pool: ThreadPool,
  bound: ReadonlyMap<string, BoundKernel>,
  minFlops: number,
): Pick<Kernels, 'causalAttention' | 'causalAttentionBackward'> {
  const small = ({ length, headDim, blocks }: { length: number; headDim: number; blocks: number }) =>
    pool.closed || blocks < 2 || 4 * blocks * causalProbsSize(length) * headDim < minFlops;
  const cutBlocks = (blocks: number) => splitEvenly(blocks, chunkCount(pool.threads, blocks), 1);
  const forward = bound.get('causalAttention')!;
  const backward = bound.get('causalAttentionBackward')!;
  const blocksArg = (binding: BoundKernel) => binding.specs.findIndex(([name]) => name === 'blocks');
  return {
    causalAttention(call) {
      if (small(call)) return base.causalAttention(call);
      const args = forward.wasmArgs(call);
      const strides = sliceStrides(forward, call, args, call.blocks);
      pool.run('causalAttention', args, { countArg: blocksArg(forward), strides }, cutBlocks(call.blocks));
    },
    causalAttentionBackward(call) {
      // The caller's scratch (3·causalProbsSize(T) floats) serves one call; a split call takes one per chunk.
      if (small(call)) return base.causalAttentionBackward(call);
      const cuts = cutBlocks(call.blocks);
      const region = 3 * causalProbsSize(call.length);
      const regions = pool.heap.allocF32((cuts.length - 1) * region, false);
      const chunked: KernelArgs<'causalAttentionBackward'> = { ...call, scratch: regions };
      const args = backward.wasmArgs(chunked);
      const strides = sliceStrides(backward, chunked, args, call.blocks, 'scratch');
      const chunkArg = backward.specs.findIndex(([name]) => name === 'scratch');
      try {
        pool.run(
          'causalAttentionBackward',
          args,
          {
            countArg: blocksArg(backward),
            strides,
            chunkArg,
            chunkBytes: region * regions.BYTES_PER_ELEMENT,
          },
          cuts,
        );
      } finally {
        pool.heap.free(regions);
      }
    },
  };
}
