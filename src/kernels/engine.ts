/**
 * src/kernels: the compute layer, the lowest of the library. It imports nothing outside itself; everything
 * above reaches it through engine() (the heap and the kernels) and the Kernels/SparseKernels types.
 * - declare.ts: the vocabulary kernels are declared in; kernels.ts and sparseKernels.ts: the declarations,
 *   one per kernel (named, typed arguments in the wasm export's order), from which the interfaces follow;
 * - reference/: the plain TypeScript kernels (the spec every fast kernel is tested against), typed by them;
 * - wasm.ts, wasmKernels.ts, wasmSparse.ts: the WebAssembly build (assembly/, embedded in generated/ by
 *   scripts/build-wasm.mjs) and its binding, one generic loop over the declarations;
 * - threads*.ts: the worker pool and how each large kernel is split over it; heap.ts: the shared heap.
 */
import { createSharedMemory, Heap } from './heap.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference/index.js';
import { referenceSparseKernels } from './reference/sparse.js';
import type { SparseKernels } from './sparseKernels.js';
import { threadedKernels } from './threadsDense.js';
import { threadedZeroing } from './threadsElementwise.js';
import { ThreadPool } from './threadsPool.js';
import { threadedSparseKernels } from './threadsSparse.js';
import { threadedSpartanKernels } from './threadsSpartan.js';
import { bestWasmVariant, instantiateWasmKernels, type WasmVariant } from './wasm.js';
import { wasmSparseKernels } from './wasmSparse.js';

/** Which kernels to run: the best WebAssembly build the runtime supports, a named one, or the reference. */
export type BackendName = 'auto' | 'reference' | 'wasm-simd' | 'wasm-relaxed-simd';

/** The heap every tensor lives in, and the dense and sparse kernels that compute on it. */
export interface Engine {
  readonly heap: Heap;
  readonly kernels: Kernels;
  readonly sparse: SparseKernels;
  /** Threads the large kernels run on (1: the calling thread only). */
  readonly threads: number;
  /**
   * Stops the engine's worker threads, if it has any: its kernels run on the calling thread from now on, and
   * the promise resolves once the threads have exited. Idempotent.
   */
  close(): Promise<void>;
}

export interface EngineOptions {
  /**
   * Threads for the large WebAssembly kernels (the products, the large elementwise and slice-wise kernels,
   * and the zeroing of large reused heap blocks), the calling thread included; results are bit-identical for
   * any count. Default: the TOPKAST_THREADS environment variable, else 1.
   * The reference backend runs on one thread.
   */
  threads?: number;
}

/**
 * Builds an engine on a fresh shared memory. 'auto' picks relaxed SIMD when the runtime validates it, then
 * plain SIMD, then the reference kernels; the TOPKAST_BACKEND environment variable overrides 'auto'.
 * With threads > 1 the engine starts threads − 1 worker threads (Node only, see threadsPool.ts); close()
 * stops them, and they never keep a process alive.
 */
export function createEngine(backend: BackendName = 'auto', options: EngineOptions = {}): Engine {
  const chosen = backend === 'auto' ? envBackend() : backend;
  const threads = options.threads ?? envThreads();
  checkThreads(threads, 'threads');
  const memory = createSharedMemory();
  const reference = {
    kernels: referenceKernels,
    sparse: referenceSparseKernels,
    threads: 1,
    close: () => Promise.resolve(),
  };
  if (chosen === 'reference' && options.threads !== undefined && options.threads > 1) {
    throw new Error(
      `the reference backend runs on one thread, not ${threads}: use a wasm backend or threads: 1`,
    );
  }
  if (chosen === 'reference') return { heap: new Heap(memory, 0), ...reference };
  const variant: WasmVariant | null =
    chosen === 'wasm-simd' ? 'simd' : chosen === 'wasm-relaxed-simd' ? 'relaxed' : bestWasmVariant();
  if (variant === null) {
    if (chosen !== 'auto') throw new Error(`backend ${chosen} is not supported by this JavaScript engine`);
    return { heap: new Heap(memory, 0), ...reference };
  }
  const { kernels, heapBase, exports, bound, module } = instantiateWasmKernels(memory, variant);
  const heap = new Heap(memory, heapBase);
  // memory.fill zeroes a reused block ~6× faster than a typed array's fill on shared memory (0.043 against
  // 0.285 ms per 4 MiB, measured).
  const zeroBytes = exports.zeroBytes as (ptr: number, bytes: number) => void;
  heap.setZeroing(zeroBytes);
  const sparse = wasmSparseKernels(exports, memory, kernels.name, bound);
  if (threads === 1) return { heap, kernels, sparse, threads, close: () => Promise.resolve() };
  const pool = new ThreadPool({ threads, module, exports, heap });
  heap.setZeroing(threadedZeroing(pool, zeroBytes));
  return {
    heap,
    kernels: threadedSpartanKernels(threadedKernels(kernels, pool, bound), pool, memory, heap),
    sparse: threadedSparseKernels(sparse, pool, bound),
    get threads() {
      return pool.closed ? 1 : threads;
    },
    close: () => pool.close(),
  };
}

let current: Engine | undefined;

/** The process-wide engine, created on first use. */
export function engine(): Engine {
  current ??= createEngine();
  return current;
}

/** Replaces the process-wide engine (tests use it to run the same code on every backend). */
export function useEngine(next: Engine): void {
  current = next;
}

/**
 * When a sparse weight's products run the dense kernels on its masked weights instead of the sparse ones
 * (src/sparse/sparseMatmul.ts): above these densities, |A|/n for the forward pass and input gradient, |B|/n
 * for the weight gradient. Same numbers up to summation order. The default, 0.5 for both, is the crossover
 * `npm run bench` measured (1024×1024 weight, batch 128): the sparse kernels run at about half the dense
 * kernel's GFLOP/s, so at density 0.5 they are 1.1–1.3× faster than dense and at density 1 about 0.6×.
 */
export interface KernelChoice {
  readonly forwardDenseAbove: number;
  readonly backwardDenseAbove: number;
}

export const DEFAULT_KERNEL_CHOICE: KernelChoice = { forwardDenseAbove: 0.5, backwardDenseAbove: 0.5 };

let kernelSetting: KernelChoice = DEFAULT_KERNEL_CHOICE;

/** The process-wide kernel choice (an engine setting, whichever engine is in use). */
export function kernelChoice(): KernelChoice {
  return kernelSetting;
}

/** Changes the kernel choice (omitted fields: the default) and returns the one it replaces. */
export function setKernelChoice(choice: Partial<KernelChoice>): KernelChoice {
  const previous = kernelSetting;
  kernelSetting = { ...DEFAULT_KERNEL_CHOICE, ...choice };
  return previous;
}

function envThreads(): number {
  const value = typeof process !== 'undefined' ? process.env.TOPKAST_THREADS : undefined;
  if (value === undefined || value === '') return 1;
  const threads = Number(value);
  checkThreads(threads, `TOPKAST_THREADS=${value}`);
  return threads;
}

function checkThreads(threads: number, what: string): void {
  if (!Number.isInteger(threads) || threads < 1) {
    throw new Error(
      `${what} is not a thread count: use a whole number ≥ 1 (1 runs on the calling thread only)`,
    );
  }
}

function envBackend(): BackendName {
  const value = typeof process !== 'undefined' ? process.env.TOPKAST_BACKEND : undefined;
  if (value === undefined || value === '') return 'auto';
  const names: BackendName[] = ['auto', 'reference', 'wasm-simd', 'wasm-relaxed-simd'];
  if (!names.includes(value as BackendName)) {
    throw new Error(`TOPKAST_BACKEND=${value} is not a backend: use one of ${names.join(', ')}`);
  }
  return value as BackendName;
}
