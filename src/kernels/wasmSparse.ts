/**
 * The sparse kernels (sparseKernels.ts) on the WebAssembly exports (assembly/sparse*.ts), bound by their
 * declarations (wasmKernels.ts): each call covers the whole product on the calling thread.
 */
import { type SparseKernels, sparseKernelDeclarations } from './sparseKernels.js';
import { type BoundKernel, bindKernels } from './wasmKernels.js';

/**
 * The sparse kernels of a module instance (`exports` as returned by instantiateWasmKernels) on the memory it
 * imported; `name` is reported as SparseKernels.name ('wasm-simd' or 'wasm-relaxed-simd'). `bound` receives
 * their bindings (threads reuse them).
 */
export function wasmSparseKernels(
  exports: Record<string, unknown>,
  memory: WebAssembly.Memory,
  name = 'wasm-simd',
  bound?: Map<string, BoundKernel>,
): SparseKernels {
  return bindKernels(sparseKernelDeclarations, exports, memory, name, bound);
}
