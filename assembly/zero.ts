// Zeroes a block of memory: the heap's zeroing of a reused block (src/kernels/heap.ts), which an engine with
// threads splits over them for large blocks (threadsElementwise.ts).

export function zeroBytes(at: usize, bytes: usize): void {
  memory.fill(at, 0, bytes);
}
