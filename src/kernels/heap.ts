/**
 * The heap: every tensor, weight and optimizer array lives in one WebAssembly.Memory that the kernels share
 * with TypeScript, so a kernel call passes byte offsets and nothing is copied on the hot path.
 *
 * The memory is shared (a SharedArrayBuffer): views made before the memory grows stay valid, and worker
 * threads can instantiate the same kernels on the same memory.
 *
 * Allocation keeps one free list per exact byte size. A training step allocates the same sizes every step, so
 * after the first step every allocation is a free-list hit and the memory stops growing.
 */
const PAGE_BYTES = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit
const ALIGN = 64; // a cache line: SIMD loads never straddle one at a row start

type HeapView = Float32Array | Int32Array | Uint8Array;

export class Heap {
  readonly memory: WebAssembly.Memory;
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  private readonly buffers = new Set<ArrayBufferLike>();
  private liveBytes = 0;
  private zeroLarge: ((ptr: number, bytes: number) => void) | null = null;
  private zeroLargeFrom = Number.POSITIVE_INFINITY;

  /** `base` is the first byte the heap may use (above the kernel module's own data and stack). */
  constructor(memory: WebAssembly.Memory, base: number) {
    this.memory = memory;
    this.top = alignUp(base);
    this.buffers.add(memory.buffer);
  }

  /**
   * A float32 array of n entries inside the shared memory, zeroed unless `zeroed` is false (then its
   * contents are whatever the block held before: only for outputs a kernel overwrites entirely).
   */
  allocF32(n: number, zeroed = true): Float32Array {
    const ptr = this.allocBytes(n * 4, zeroed);
    return new Float32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh (zeroed) int32 array of n entries inside the shared memory. */
  allocI32(n: number): Int32Array {
    const ptr = this.allocBytes(n * 4);
    return new Int32Array(this.memory.buffer, ptr, n);
  }

  /** A fresh (zeroed) byte array of n entries inside the shared memory. */
  allocU8(n: number): Uint8Array {
    const ptr = this.allocBytes(n);
    return new Uint8Array(this.memory.buffer, ptr, n);
  }

  /** Returns a view's bytes to the heap. The view must not be used afterwards. */
  free(view: HeapView): void {
    if (view.byteLength === 0) return;
    const size = alignUp(view.byteLength);
    let list = this.freeLists.get(size);
    if (!list) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(view.byteOffset);
    this.liveBytes -= size;
  }

  /** True when the view lies in this heap's memory (so kernels can address it by offset). */
  owns(view: HeapView): boolean {
    return this.buffers.has(view.buffer);
  }

  /** The byte offset of a view, for a kernel call; throws if the view is not in this heap. */
  ptr(view: HeapView): number {
    if (!this.buffers.has(view.buffer)) {
      throw new Error(
        'array is not in the kernel heap: allocate it with heap.allocF32/allocI32 (or copy it in)',
      );
    }
    return view.byteOffset;
  }

  /**
   * Has `zero(ptr, bytes)` zero the reused blocks of at least `minBytes` bytes (an engine passes the kernels'
   * memory.fill, split over its threads for large blocks, see threadsElementwise.ts); null zeroes every block
   * with a typed array's fill again.
   */
  setZeroing(zero: ((ptr: number, bytes: number) => void) | null, minBytes = 0): void {
    this.zeroLarge = zero;
    this.zeroLargeFrom = zero ? minBytes : Number.POSITIVE_INFINITY;
  }

  /** Bytes currently allocated and not freed. */
  get allocatedBytes(): number {
    return this.liveBytes;
  }

  /** Bytes of memory reserved so far (the high-water mark of the heap). */
  get reservedBytes(): number {
    return this.top;
  }

  private allocBytes(bytes: number, zeroed = true): number {
    if (!Number.isInteger(bytes) || bytes < 0) throw new Error(`cannot allocate ${bytes} bytes`);
    if (bytes === 0) return this.top;
    const size = alignUp(bytes);
    this.liveBytes += size;
    const reused = this.freeLists.get(size)?.pop();
    if (reused !== undefined) {
      // Eight bytes at a time: TypedArray fill on a shared buffer goes element by element (measured 0.33 ms
      // per MiB as bytes, 0.044 ms as float64s), and blocks are ALIGN-aligned multiples of ALIGN bytes.
      if (zeroed && this.zeroLarge && size >= this.zeroLargeFrom) this.zeroLarge(reused, size);
      else if (zeroed) new Float64Array(this.memory.buffer, reused, size / 8).fill(0);
      return reused;
    }
    const ptr = this.top;
    this.top += size;
    this.ensureCapacity(this.top);
    return ptr;
  }

  private ensureCapacity(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    const pages = Math.ceil((bytes - have) / PAGE_BYTES);
    // Grow by at least a quarter of the current size so that growth is rare.
    const grow = Math.max(pages, Math.ceil(have / PAGE_BYTES / 4));
    const current = have / PAGE_BYTES;
    const target = Math.min(MAX_PAGES, current + grow);
    if (target * PAGE_BYTES < bytes) {
      throw new Error(`out of kernel memory: ${bytes} bytes needed, the wasm32 limit is 4 GiB`);
    }
    this.memory.grow(target - current);
    this.buffers.add(this.memory.buffer);
  }
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

/** A new shared memory of `initialPages` pages that can grow to the wasm32 limit. */
export function createSharedMemory(initialPages = 256): WebAssembly.Memory {
  return new WebAssembly.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true });
}
