// Entry point of the WebAssembly kernel module: re-exports every kernel file.
// Memory is imported and shared with the host; everything above heapBase() belongs to the host's heap.
export function heapBase(): usize {
  return __heap_base;
}
