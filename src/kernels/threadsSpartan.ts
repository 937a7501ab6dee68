/**
 * Spartan's largest passes on a thread pool (see the Kernels contract, "Spartan"). The mask pass and the
 * soft-masked weight's backward sum over fixed chunks of SPARTAN_CHUNK entries and add the chunks' totals in
 * order (assembly/spartanSums.ts), so the threads take whole chunks and this wrapper adds their totals in the
 * same order: the bits are those of one thread for any thread count. The implicit gradient's last pass is
 * elementwise and splits evenly. Passes of fewer than two chunks, and all of them once the pool is closed, run
 * on the calling thread through `base`. The threshold's band, histograms and tie scan stay on one thread.
 */
import type { Heap } from './heap.js';
import type { Kernels } from './kernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import { viewPointer } from './wasmKernels.js';

/** Entries of a chunk (SPARTAN_CHUNK in assembly/spartanSums.ts). */
export const SPARTAN_CHUNK = 1 << 16;

const floatBits = new Float32Array(1);
const intBits = new Int32Array(floatBits.buffer);
/** The float32 bits of x as an int32 (how these exports take their float arguments). */
const bitsOf = (x: number) => {
  floatBits[0] = x;
  return intBits[0];
};

/** `base` (wasm kernels on `memory`) with Spartan's mask pass, backward and gradient split over `pool`. */
export function threadedSpartanKernels(
  base: Kernels,
  pool: ThreadPool,
  memory: WebAssembly.Memory,
  heap: Heap,
): Kernels {
  const ptr = viewPointer(memory);
  /** spartanMaskPassChunks' argument block (see assembly/spartanSoftTopK.ts). */
  const params = heap.allocI32(12);
  const paramFloats = new Float32Array(params.buffer, params.byteOffset, 12);
  let partialBlock = heap.allocF32(2);
  /** Per-chunk totals, at least `count` float64 (grown, never shrunk). */
  const partials = (count: number): Float64Array => {
    if (partialBlock.length < 2 * count + 2) {
      heap.free(partialBlock);
      partialBlock = heap.allocF32(2 * count + 2);
    }
    const { buffer, byteOffset } = partialBlock;
    return new Float64Array(buffer, byteOffset + (byteOffset % 8), count);
  };
  const optional = (view: Float32Array | null, n: number, name: string) =>
    view === null ? 0 : ptr(view, n, name);
  const cutsOf = (chunks: number) => splitEvenly(chunks, chunkCount(pool.threads, chunks), 1);
  return {
    ...base,
    spartanMaskPass(call) {
      const { values, costs, n, beta, threshold, mu, boundary, sums, soft, effective, exponentials, ratio } =
        call;
      const chunks = Math.ceil(n / SPARTAN_CHUNK);
      if (pool.closed || chunks < 2) {
        base.spartanMaskPass(call);
        return;
      }
      const totals = partials(3 * chunks);
      params.set([
        ptr(values, n, 'values'),
        optional(costs, n, 'costs'),
        n,
        0,
        0,
        0,
        boundary,
        optional(soft, n, 'soft'),
        optional(effective, n, 'effective'),
        optional(exponentials, n, 'exponentials'),
        0,
        totals.byteOffset,
      ]);
      paramFloats[3] = beta;
      paramFloats[4] = threshold;
      paramFloats[5] = mu;
      paramFloats[10] = ratio;
      ptr(sums, 3, 'sums');
      pool.run('spartanMaskPassChunks', [params.byteOffset, 0, chunks], { rangeArg: 1 }, cutsOf(chunks));
      for (let k = 0; k < 3; k++) {
        let total = 0;
        for (let c = 0; c < chunks; c++) total += totals[3 * c + k];
        sums[k] = total;
      }
    },
    spartanSoftMaskBackward(call) {
      const { dy, w, soft, grad, costs, n, beta } = call;
      const chunks = Math.ceil(n / SPARTAN_CHUNK);
      if (pool.closed || chunks < 2) return base.spartanSoftMaskBackward(call);
      const totals = partials(chunks);
      const args = [
        ptr(dy, n, 'dy'),
        ptr(w, n, 'w'),
        ptr(soft, n, 'soft'),
        ptr(grad, n, 'grad'),
        optional(costs, n, 'costs'),
        n,
        bitsOf(beta),
        totals.byteOffset,
        0,
        chunks,
      ];
      pool.run('spartanSoftMaskBackwardChunks', args, { rangeArg: 8 }, cutsOf(chunks));
      let total = 0;
      for (let c = 0; c < chunks; c++) total += totals[c];
      return total;
    },
    spartanApplyGradient(call) {
      const { w, grad, soft, upstream, costs, n, beta, s } = call;
      const chunks = Math.ceil(n / SPARTAN_CHUNK);
      if (pool.closed || chunks < 2) {
        base.spartanApplyGradient(call);
        return;
      }
      const args = [
        ptr(w, n, 'w'),
        ptr(grad, n, 'grad'),
        ptr(soft, n, 'soft'),
        optional(upstream, n, 'upstream'),
        optional(costs, n, 'costs'),
        bitsOf(beta),
        bitsOf(s),
        0,
        n,
      ];
      pool.run(
        'spartanApplyGradientRange',
        args,
        { rangeArg: 7 },
        splitEvenly(n, chunkCount(pool.threads, chunks), 4),
      );
    },
  };
}
