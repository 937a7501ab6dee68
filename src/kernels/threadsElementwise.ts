/**
 * The kernels of a step other than the products, on a thread pool: elementwise maps (activations and their
 * gradients, add/mul/scale/axpy, the optimizer updates) split their entries, and the kernels made of
 * independent slices split the slices (rows of addRowBias, rowSums and the fused bias + activation, channels of im2col, col2im and max
 * pooling). A chunk runs the single-thread kernel on its slice, with its
 * pointers moved to the slice's start (Slicing.strides), so every entry is computed by the same instructions
 * as in one call: cuts between entries fall at multiples of 16, so the vector loops and their scalar tails
 * (which round a few formulas differently, e.g. AdamW's (1 − β2)·g·g) see the same entries as in a call over
 * the whole array.
 *
 * Calls below `minEntries` entries (or slice entries) run on the calling thread, as does everything once the
 * pool is closed.
 */
import type { Kernels } from './kernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import type { ThreadKernel } from './threadsWorker.js';
import { im2colCounts, viewPointer } from './wasmKernels.js';

/**
 * Entries (floats written) below which these kernels stay on one thread: 128 Ki floats is ~17 µs of ReLU
 * (measured 34 µs for 256 Ki), against ~1.5 µs to hand a job to a polling worker; an MLP's 2048×128
 * activation, a transformer's 256×1024 ones and every optimizer update of a large layer are above it.
 */
export const ELEMENTWISE_THREAD_MIN_ENTRIES = 1 << 17;

/**
 * Bytes from which the heap's zeroing of a reused block runs on the threads, in chunks of whole cache lines:
 * 4 MiB is ~40 µs of wasm memory.fill here (0.043 ms per 4 MiB).
 */
export const ZERO_THREAD_MIN_BYTES = 4 << 20;
const CACHE_LINE = 64;

/**
 * Zeroes `bytes` bytes at `ptr` (a multiple of 64, as heap blocks are): over `pool` from
 * ZERO_THREAD_MIN_BYTES on while it is open, else by `zeroBytes` (the calling thread's wasm export); see
 * Heap.setZeroing.
 */
export function threadedZeroing(
  pool: ThreadPool,
  zeroBytes: (ptr: number, bytes: number) => void,
): (ptr: number, bytes: number) => void {
  return (ptr, bytes) => {
    if (pool.closed || bytes < ZERO_THREAD_MIN_BYTES) {
      zeroBytes(ptr, bytes);
      return;
    }
    const chunks = chunkCount(pool.threads, bytes / (256 << 10));
    pool.run(
      'zeroBytes',
      [ptr, bytes],
      { countArg: 1, strides: [1] },
      splitEvenly(bytes, chunks, CACHE_LINE),
    );
  };
}

/** Cuts between entries fall at multiples of this (four f32x4 lanes: any unrolling of the vector loops). */
const ENTRY_MULTIPLE = 16;

type Elementwise = Pick<
  Kernels,
  | 'add'
  | 'mul'
  | 'scale'
  | 'axpy'
  | 'relu'
  | 'reluBackward'
  | 'gelu'
  | 'geluBackward'
  | 'addRowBias'
  | 'biasGelu'
  | 'biasRelu'
  | 'biasActivationBackward'
  | 'rowSums'
  | 'sgdUpdate'
  | 'adamwUpdate'
  | 'im2col'
  | 'col2im'
  | 'maxPool2d'
  | 'maxPool2dBackward'
>;

/** Bytes per entry of the pointer arguments: a stride of 4 at each pointer, 0 at scalars. */
const F = 4;

/** `base`'s elementwise and slice-wise kernels, split over `pool` from `minEntries` entries on. */
export function threadedElementwise(
  base: Kernels,
  pool: ThreadPool,
  memory: WebAssembly.Memory,
  minEntries = ELEMENTWISE_THREAD_MIN_ENTRIES,
): Elementwise {
  const ptr = viewPointer(memory);
  const small = (entries: number) => pool.closed || entries < minEntries;
  /** Runs `kernel` over `units` entries (multiple 16) or slices (multiple 1), argument countArg the count. */
  const split = (
    kernel: ThreadKernel,
    args: number[],
    strides: readonly number[],
    countArg: number,
    units: number,
    multiple = 1,
  ) => {
    const chunks = chunkCount(pool.threads, units / multiple);
    pool.run(kernel, args, { countArg, strides }, splitEvenly(units, chunks, multiple));
  };
  const entries = (kernel: ThreadKernel, args: number[], strides: readonly number[], countArg: number) =>
    split(kernel, args, strides, countArg, args[countArg], ENTRY_MULTIPLE);
  return {
    add(a, b, out, n) {
      if (small(n)) return base.add(a, b, out, n);
      entries('add', [ptr(a, n, 'a'), ptr(b, n, 'b'), ptr(out, n, 'out'), n], [F, F, F], 3);
    },
    mul(a, b, out, n) {
      if (small(n)) return base.mul(a, b, out, n);
      entries('mul', [ptr(a, n, 'a'), ptr(b, n, 'b'), ptr(out, n, 'out'), n], [F, F, F], 3);
    },
    scale(a, s, out, n) {
      if (small(n)) return base.scale(a, s, out, n);
      entries('scale', [ptr(a, n, 'a'), s, ptr(out, n, 'out'), n], [F, 0, F], 3);
    },
    axpy(alpha, x, y, n) {
      if (small(n)) return base.axpy(alpha, x, y, n);
      entries('axpy', [alpha, ptr(x, n, 'x'), ptr(y, n, 'y'), n], [0, F, F], 3);
    },
    relu(x, out, n) {
      if (small(n)) return base.relu(x, out, n);
      entries('relu', [ptr(x, n, 'x'), ptr(out, n, 'out'), n], [F, F], 2);
    },
    reluBackward(x, dy, dx, n, accumulate) {
      if (small(n)) return base.reluBackward(x, dy, dx, n, accumulate);
      const args = [ptr(x, n, 'x'), ptr(dy, n, 'dy'), ptr(dx, n, 'dx'), n, Number(accumulate)];
      entries('reluBackward', args, [F, F, F], 3);
    },
    gelu(x, out, n) {
      if (small(n)) return base.gelu(x, out, n);
      entries('gelu', [ptr(x, n, 'x'), ptr(out, n, 'out'), n], [F, F], 2);
    },
    geluBackward(x, dy, dx, n, accumulate) {
      if (small(n)) return base.geluBackward(x, dy, dx, n, accumulate);
      const args = [ptr(x, n, 'x'), ptr(dy, n, 'dy'), ptr(dx, n, 'dx'), n, Number(accumulate)];
      entries('geluBackward', args, [F, F, F], 3);
    },
    addRowBias(x, bias, out, rows, cols) {
      if (small(rows * cols)) return base.addRowBias(x, bias, out, rows, cols);
      const n = rows * cols;
      const args = [ptr(x, n, 'x'), ptr(bias, rows, 'bias'), ptr(out, n, 'out'), rows, cols];
      split('addRowBias', args, [cols * F, F, cols * F], 3, rows);
    },
    biasGelu(x, bias, out, slope, rows, cols) {
      if (small(rows * cols)) return base.biasGelu(x, bias, out, slope, rows, cols);
      const n = rows * cols;
      // Without a slope the kernel writes none: its pointer stays 0 and does not move.
      const slopeAt = slope === null ? 0 : ptr(slope, n, 'slope');
      const args = [ptr(x, n, 'x'), ptr(bias, rows, 'bias'), ptr(out, n, 'out'), slopeAt, rows, cols];
      split('biasGelu', args, [cols * F, F, cols * F, slope === null ? 0 : cols * F], 4, rows);
    },
    biasRelu(x, bias, out, rows, cols) {
      if (small(rows * cols)) return base.biasRelu(x, bias, out, rows, cols);
      const n = rows * cols;
      const args = [ptr(x, n, 'x'), ptr(bias, rows, 'bias'), ptr(out, n, 'out'), rows, cols];
      split('biasRelu', args, [cols * F, F, cols * F], 3, rows);
    },
    biasActivationBackward(saved, dy, dx, dbias, rows, cols, relu, accumulate) {
      if (small(rows * cols)) {
        return base.biasActivationBackward(saved, dy, dx, dbias, rows, cols, relu, accumulate);
      }
      const n = rows * cols;
      const args = [ptr(saved, n, 'saved'), ptr(dy, n, 'dy'), ptr(dx, n, 'dx'), ptr(dbias, rows, 'dbias')];
      args.push(rows, cols, Number(relu), Number(accumulate));
      split('biasActivationBackward', args, [cols * F, cols * F, cols * F, F], 4, rows);
    },
    rowSums(x, out, rows, cols, accumulate) {
      if (small(rows * cols)) return base.rowSums(x, out, rows, cols, accumulate);
      const args = [ptr(x, rows * cols, 'x'), ptr(out, rows, 'out'), rows, cols, Number(accumulate)];
      split('rowSums', args, [cols * F, F], 2, rows);
    },
    sgdUpdate(params, grads, velocity, n, lr, momentum, nesterov, weightDecay) {
      if (small(n)) return base.sgdUpdate(params, grads, velocity, n, lr, momentum, nesterov, weightDecay);
      // With μ = 0 the kernel never reads the velocity, so it is not checked and does not move.
      const velocityAt = momentum === 0 ? 0 : ptr(velocity, n, 'velocity');
      const args = [ptr(params, n, 'params'), ptr(grads, n, 'grads'), velocityAt, n];
      args.push(lr, momentum, Number(nesterov), weightDecay);
      entries('sgdUpdate', args, [F, F, momentum === 0 ? 0 : F], 3);
    },
    adamwUpdate(params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2) {
      if (small(n)) {
        return base.adamwUpdate(params, grads, m, v, n, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
      }
      const args = [ptr(params, n, 'params'), ptr(grads, n, 'grads'), ptr(m, n, 'm'), ptr(v, n, 'v'), n];
      args.push(lr, beta1, beta2, eps, weightDecay, bc1, bc2);
      entries('adamwUpdate', args, [F, F, F, F], 4);
    },
    im2col(x, cols, ...sizes) {
      const [inputs, columns] = im2colCounts(sizes);
      if (small(columns)) return base.im2col(x, cols, ...sizes);
      const channels = sizes[0];
      const args = [ptr(x, inputs, 'x'), ptr(cols, columns, 'cols'), ...sizes];
      split('im2col', args, [(inputs / channels) * F, (columns / channels) * F], 2, channels);
    },
    col2im(dcols, dx, ...sizes) {
      const [inputs, columns] = im2colCounts(sizes);
      if (small(columns)) return base.col2im(dcols, dx, ...sizes);
      const channels = sizes[0];
      const args = [ptr(dcols, columns, 'dcols'), ptr(dx, inputs, 'dx'), ...sizes];
      split('col2im', args, [(columns / channels) * F, (inputs / channels) * F], 2, channels);
    },
    maxPool2d(x, y, ...sizes) {
      const [channels, height, width, batch, kh, kw, sh, sw] = sizes;
      const inputs = height * width * batch;
      if (small(channels * inputs)) return base.maxPool2d(x, y, ...sizes);
      const outputs = (Math.floor((height - kh) / sh) + 1) * (Math.floor((width - kw) / sw) + 1) * batch;
      const args = [ptr(x, channels * inputs, 'x'), ptr(y, channels * outputs, 'y'), ...sizes];
      split('maxPool2d', args, [inputs * F, outputs * F], 2, channels);
    },
    maxPool2dBackward(x, dy, dx, ...sizes) {
      const [channels, height, width, batch, kh, kw, sh, sw] = sizes;
      const inputs = height * width * batch;
      if (small(channels * inputs)) return base.maxPool2dBackward(x, dy, dx, ...sizes);
      const outputs = (Math.floor((height - kh) / sh) + 1) * (Math.floor((width - kw) / sw) + 1) * batch;
      const n = channels * inputs;
      const args = [ptr(x, n, 'x'), ptr(dy, channels * outputs, 'dy'), ptr(dx, n, 'dx'), ...sizes];
      split('maxPool2dBackward', args, [inputs * F, outputs * F, inputs * F], 3, channels);
    },
  };
}
