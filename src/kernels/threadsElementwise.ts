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
 * pool is closed. Each kernel's split is one line of SPLITS: the size argument it cuts and the view whose entries
 * decide whether the call is large; the pointers' strides follow from the declarations (sliceStrides).
 */
import type { Call } from './declare.js';
import type { Kernels } from './kernels.js';
import type { ThreadPool } from './threadsPool.js';
import { chunkCount, splitEvenly } from './threadsSplit.js';
import type { ThreadKernel } from './threadsWorker.js';
import type { BoundKernel } from './wasmKernels.js';

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

/** How a kernel is cut: `units` (a size argument) split at multiples of `multiple`; large from `measure`'s entries. */
interface Split {
  readonly units: string;
  readonly measure: string;
  readonly multiple: number;
}
const entries = (measure: string): Split => ({ units: 'n', measure, multiple: ENTRY_MULTIPLE });
const slices = (units: string, measure: string): Split => ({ units, measure, multiple: 1 });

/** The kernels split here, by the argument they cut. */
const SPLITS = {
  add: entries('out'),
  mul: entries('out'),
  scale: entries('out'),
  axpy: entries('y'),
  relu: entries('out'),
  reluBackward: entries('dx'),
  gelu: entries('out'),
  geluBackward: entries('dx'),
  sgdUpdate: entries('params'),
  adamwUpdate: entries('params'),
  addRowBias: slices('rows', 'x'),
  biasGelu: slices('rows', 'x'),
  biasRelu: slices('rows', 'x'),
  biasActivationBackward: slices('rows', 'saved'),
  rowSums: slices('rows', 'x'),
  im2col: slices('channels', 'cols'),
  col2im: slices('channels', 'dcols'),
  maxPool2d: slices('channels', 'x'),
  maxPool2dBackward: slices('channels', 'x'),
} as const satisfies Record<string, Split> & Partial<Record<ThreadKernel, Split>>;

type Elementwise = Pick<Kernels, keyof typeof SPLITS>;

/**
 * Bytes each pointer argument of `args` (the export's arguments for `call`) moves per unit of a cut over
 * `units` units: a view's bytes times its entries per unit (every view of these kernels is a whole number of
 * units), 0 for scalars, for views passed as 0 (null or unread: they do not move) and for `fixed` ones.
 */
export function sliceStrides(
  binding: BoundKernel,
  call: object,
  args: readonly number[],
  units: number,
  fixed?: string,
): number[] {
  return binding.specs.map(([name, spec], i) =>
    spec.kind !== 'view' || args[i] === 0 || name === fixed
      ? 0
      : (spec.bytes * spec.count(call as Call)) / units,
  );
}

/** `base`'s elementwise and slice-wise kernels, split over `pool` from `minEntries` entries on. */
export function threadedElementwise(
  base: Kernels,
  pool: ThreadPool,
  bound: ReadonlyMap<string, BoundKernel>,
  minEntries = ELEMENTWISE_THREAD_MIN_ENTRIES,
): Elementwise {
  const threaded: Record<string, (call: object) => void> = {};
  for (const [kernel, { units, measure, multiple }] of Object.entries(SPLITS)) {
    const binding = bound.get(kernel)!;
    const single = base[kernel as keyof Elementwise] as (call: object) => void;
    const measureSpec = binding.declaration.args[measure];
    const countArg = binding.specs.findIndex(([name]) => name === units);
    if (measureSpec.kind !== 'view' || countArg < 0)
      throw new Error(`${kernel}: no view ${measure} or size ${units}`);
    threaded[kernel] = (call) => {
      const sizes = call as Call;
      if (pool.closed || measureSpec.count(sizes) < minEntries) return single(call);
      const args = binding.wasmArgs(call);
      const total = sizes[units];
      const strides = sliceStrides(binding, sizes, args, total);
      const cuts = splitEvenly(total, chunkCount(pool.threads, total / multiple), multiple);
      pool.run(kernel as ThreadKernel, args, { countArg, strides }, cuts);
    };
  }
  return threaded as unknown as Elementwise;
}
