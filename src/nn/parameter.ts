import { engine } from '../kernels/engine.js';
import { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';

/**
 * A dense trainable tensor: values are the tensor's data and grads its `.grad`, allocated once here and
 * accumulated into by every backward pass (the optimizer's zeroGrad clears them).
 */
export class Parameter implements Trainable {
  readonly name: string;
  readonly tensor: Tensor;
  readonly state = new Map<string, Float32Array>();
  readonly decay: boolean;

  /** Takes ownership of `tensor`, which must require grad. `decay` defaults to true. */
  constructor(name: string, tensor: Tensor, options: { decay?: boolean } = {}) {
    if (!tensor.requiresGrad) {
      throw new Error(`Parameter ${name}: its tensor must be created with { requiresGrad: true }`);
    }
    this.name = name;
    this.tensor = tensor;
    this.decay = options.decay ?? true;
    tensor.ensureGrad();
  }

  /** A parameter of zeros. */
  static zeros(name: string, shape: readonly number[], options: { decay?: boolean } = {}): Parameter {
    return new Parameter(name, Tensor.zeros(shape, { requiresGrad: true }), options);
  }

  get values(): Float32Array {
    return this.tensor.data;
  }

  get grads(): Float32Array {
    return this.tensor.grad!;
  }

  /** Returns the values, gradients and optimizer state to the heap. */
  dispose(): void {
    const heap = engine().heap;
    for (const array of this.state.values()) heap.free(array);
    this.state.clear();
    this.tensor.dispose();
  }
}
