import { engine } from '../kernels/engine.js';
import type { Heap } from '../kernels/heap.js';

/** Options for creating a tensor. */
export interface TensorOptions {
  /** When true, backward passes accumulate d loss / d this into `grad`. */
  requiresGrad?: boolean;
}

/**
 * A dense float32 array with a shape, stored as a view into the kernel heap (row-major; activations are
 * feature-major [features, batch], see kernels.ts), so kernels read and write it without copies.
 *
 * Lifetime: a tensor owns its `data` (and `grad`, once allocated) and returns them to the heap on dispose().
 * Tensors made by ops inside a recorded tape are owned by that tape and disposed with it (see tape.ts);
 * every other tensor is owned by whoever created it.
 */
export class Tensor {
  readonly shape: readonly number[];
  readonly data: Float32Array;
  /** d loss / d this, accumulated by backward passes; allocated on first need (parameters: up front). */
  grad: Float32Array | null = null;
  readonly requiresGrad: boolean;
  private readonly heap: Heap;
  private isDisposed = false;

  /** Takes ownership of `data`, a view allocated from `heap` whose length is the product of `shape`. */
  constructor(
    data: Float32Array,
    shape: readonly number[],
    requiresGrad = false,
    heap: Heap = engine().heap,
  ) {
    const size = shapeSize(shape);
    if (data.length !== size) {
      throw new Error(
        `Tensor: data has ${data.length} entries but shape ${formatShape(shape)} needs ${size}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.requiresGrad = requiresGrad;
    this.heap = heap;
  }

  /** A tensor of zeros in the current engine's heap. */
  static zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
    const heap = engine().heap;
    return new Tensor(heap.allocF32(shapeSize(shape)), shape, options.requiresGrad ?? false, heap);
  }

  /**
   * A tensor whose entries are not initialised: for op outputs that a kernel overwrites entirely before
   * anything reads them (saves zeroing megabytes per step).
   */
  static uninitialized(shape: readonly number[], options: TensorOptions = {}): Tensor {
    const heap = engine().heap;
    return new Tensor(heap.allocF32(shapeSize(shape), false), shape, options.requiresGrad ?? false, heap);
  }

  /** A tensor holding a copy of `values` (in row-major order) in the current engine's heap. */
  static fromArray(values: ArrayLike<number>, shape: readonly number[], options: TensorOptions = {}): Tensor {
    const size = shapeSize(shape);
    if (values.length !== size) {
      throw new Error(
        `Tensor.fromArray: ${values.length} values do not fill shape ${formatShape(shape)} (${size})`,
      );
    }
    const tensor = Tensor.zeros(shape, options);
    tensor.data.set(values);
    return tensor;
  }

  /** The number of entries: the product of the shape (1 for a scalar, shape []). */
  get size(): number {
    return this.data.length;
  }

  /** True once dispose() has returned the memory to the heap. */
  get disposed(): boolean {
    return this.isDisposed;
  }

  /** The value of a one-entry tensor (a loss, a metric). */
  item(): number {
    this.assertAlive('item');
    if (this.size !== 1)
      throw new Error(`item() needs a tensor with one entry, got shape ${formatShape(this.shape)}`);
    return this.data[0];
  }

  /**
   * The gradient array, allocated on first call: zeroed, or (zeroed = false) uninitialised, for an op whose
   * kernel overwrites every entry because the gradient was null before the call (it then writes instead of
   * adding, and the zeroing pass is saved).
   */
  ensureGrad(zeroed = true): Float32Array {
    this.grad ??= this.heap.allocF32(this.size, zeroed);
    return this.grad;
  }

  /**
   * grad += g over the tensor's entries; a gradient not allocated yet becomes a copy of g (no zeroing pass, no
   * add). For ops whose gradient passes dy through unchanged (add, bias, reshape).
   */
  accumulateGrad(g: Float32Array): void {
    const { kernels } = engine();
    // The copy is a kernel's g·1 (exact): TypedArray.set on the shared memory is several times slower.
    if (this.grad !== null) {
      kernels.axpy({ alpha: 1, x: g, y: this.grad, n: this.size });
      return;
    }
    this.grad = this.heap.allocF32(this.size, false);
    kernels.scale({ a: g, s: 1, out: this.grad, n: this.size });
  }

  /** Returns data and grad to the heap; the tensor must not be used afterwards. Disposing twice is a no-op. */
  dispose(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.heap.free(this.data);
    if (this.grad) this.heap.free(this.grad);
    this.grad = null;
  }

  /** Throws when the tensor was disposed: its memory may already hold another tensor. */
  assertAlive(operation: string): void {
    if (this.isDisposed) {
      throw new Error(
        `${operation}: tensor of shape ${formatShape(this.shape)} was disposed (a tape's tensors die with tape.dispose(): read results before)`,
      );
    }
  }
}

/** The number of entries of a shape; throws unless every dimension is a non-negative integer. */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new Error(`shape ${formatShape(shape)} has an invalid dimension ${d}: use non-negative integers`);
    }
    size *= d;
  }
  return size;
}

/** A shape as text for error messages: [784, 128]. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
