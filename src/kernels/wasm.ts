/**
 * The WebAssembly kernel module: picks the build the runtime supports and instantiates it on the shared memory.
 * Both builds are embedded as base64 (src/kernels/generated, made by `npm run build:wasm`), so loading needs no
 * file or network access and works the same in Node and in browsers. Instantiation is synchronous.
 */
import { relaxedSimdWasmBase64, simdWasmBase64 } from './generated/wasmBinaries.js';
import { denseKernelDeclarations, type Kernels } from './kernels.js';
import { type BoundKernel, bindKernels } from './wasmKernels.js';

/** 'relaxed' uses relaxed-SIMD fused multiply-add; 'simd' runs on any engine with WebAssembly SIMD. */
export type WasmVariant = 'simd' | 'relaxed';

const PAGE_BYTES = 65536;
const binaryCache = new Map<WasmVariant, Uint8Array<ArrayBuffer>>();
let bestVariant: WasmVariant | null | undefined;

/** The fastest build this JavaScript engine validates (relaxed, then simd), or null; computed once. */
export function bestWasmVariant(): WasmVariant | null {
  if (bestVariant === undefined) {
    bestVariant = null;
    if (typeof WebAssembly === 'object') {
      for (const variant of ['relaxed', 'simd'] as const) {
        if (WebAssembly.validate(wasmBinary(variant))) {
          bestVariant = variant;
          break;
        }
      }
    }
  }
  return bestVariant;
}

/**
 * Instantiates the `variant` build on `memory` (imported as env.memory). Returns the kernels bound to that
 * memory, the first byte the host heap may use (above the module's data and the kernels' scratch region; the
 * memory is grown to reach it), the raw instance exports for kernels bound elsewhere, the kernels' bindings by
 * name (`bound`, which bindings of the sparse kernels join; threads reuse them) and the compiled module (worker
 * threads instantiate it again on the same memory, see threadsPool.ts).
 */
export function instantiateWasmKernels(
  memory: WebAssembly.Memory,
  variant: WasmVariant,
): {
  kernels: Kernels;
  heapBase: number;
  exports: Record<string, unknown>;
  bound: Map<string, BoundKernel>;
  module: WebAssembly.Module;
} {
  const binary = wasmBinary(variant);
  if (!WebAssembly.validate(binary)) {
    throw new Error(
      `this JavaScript engine cannot run the ${variant} WebAssembly build: use bestWasmVariant() to pick one it supports` +
        (variant === 'relaxed' ? ' (Node 20 needs --experimental-wasm-relaxed-simd)' : ''),
    );
  }
  const module = new WebAssembly.Module(binary);
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const exports = instance.exports as Record<string, unknown>;
  const heapBase = (exports.heapBase as () => number)();
  const missing = heapBase - memory.buffer.byteLength;
  if (missing > 0) memory.grow(Math.ceil(missing / PAGE_BYTES));
  const name = variant === 'relaxed' ? 'wasm-relaxed-simd' : 'wasm-simd';
  const bound = new Map<string, BoundKernel>();
  const kernels = bindKernels(denseKernelDeclarations, exports, memory, name, bound);
  return { kernels, heapBase, exports, bound, module };
}

function wasmBinary(variant: WasmVariant): Uint8Array<ArrayBuffer> {
  let binary = binaryCache.get(variant);
  if (!binary) {
    binary = decodeBase64(variant === 'relaxed' ? relaxedSimdWasmBase64 : simdWasmBase64);
    binaryCache.set(variant, binary);
  }
  return binary;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  if (typeof Buffer !== 'undefined') return new Uint8Array(Buffer.from(text, 'base64'));
  const chars = atob(text);
  const bytes = new Uint8Array(chars.length);
  for (let i = 0; i < chars.length; i++) bytes[i] = chars.charCodeAt(i);
  return bytes;
}
