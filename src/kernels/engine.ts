import { createSharedMemory, Heap } from './heap.js';
import type { Kernels } from './kernels.js';
import { referenceKernels } from './reference/index.js';
import { referenceSparseKernels } from './reference/sparse.js';
import type { SparseKernels } from './sparseKernels.js';
import { bestWasmVariant, instantiateWasmKernels, type WasmVariant } from './wasm.js';
import { wasmSparseKernels } from './wasmSparse.js';

/** Which kernels to run: the best WebAssembly build the runtime supports, a named one, or the reference. */
export type BackendName = 'auto' | 'reference' | 'wasm-simd' | 'wasm-relaxed-simd';

/** The heap every tensor lives in, and the dense and sparse kernels that compute on it. */
export interface Engine {
  readonly heap: Heap;
  readonly kernels: Kernels;
  readonly sparse: SparseKernels;
}

/**
 * Builds an engine on a fresh shared memory. 'auto' picks relaxed SIMD when the runtime validates it, then
 * plain SIMD, then the reference kernels; the TOPKAST_BACKEND environment variable overrides 'auto'.
 */
export function createEngine(backend: BackendName = 'auto'): Engine {
  const chosen = backend === 'auto' ? envBackend() : backend;
  const memory = createSharedMemory();
  const reference = { kernels: referenceKernels, sparse: referenceSparseKernels };
  if (chosen === 'reference') return { heap: new Heap(memory, 0), ...reference };
  const variant: WasmVariant | null =
    chosen === 'wasm-simd' ? 'simd' : chosen === 'wasm-relaxed-simd' ? 'relaxed' : bestWasmVariant();
  if (variant === null) {
    if (chosen !== 'auto') throw new Error(`backend ${chosen} is not supported by this JavaScript engine`);
    return { heap: new Heap(memory, 0), ...reference };
  }
  const { kernels, heapBase, exports } = instantiateWasmKernels(memory, variant);
  return {
    heap: new Heap(memory, heapBase),
    kernels,
    sparse: wasmSparseKernels(exports, memory, kernels.name),
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

function envBackend(): BackendName {
  const value = typeof process !== 'undefined' ? process.env.TOPKAST_BACKEND : undefined;
  if (value === undefined || value === '') return 'auto';
  const names: BackendName[] = ['auto', 'reference', 'wasm-simd', 'wasm-relaxed-simd'];
  if (!names.includes(value as BackendName)) {
    throw new Error(`TOPKAST_BACKEND=${value} is not a backend: use one of ${names.join(', ')}`);
  }
  return value as BackendName;
}
