import { add } from '../tensor/ops/add.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Module } from './module.js';

/** A residual connection (He et al. 2016): y = x + f(x), for an inner module f that keeps the shape. */
export class Residual implements Module {
  readonly inner: Module;

  constructor(inner: Module) {
    this.inner = inner;
  }

  forward(x: Tensor): Tensor {
    return add(x, this.inner.forward(x));
  }

  children(): readonly Module[] {
    return [this.inner];
  }

  trainables(): Trainable[] {
    return this.inner.trainables();
  }

  parameterCount(): number {
    return this.inner.parameterCount();
  }

  dispose(): void {
    this.inner.dispose?.();
  }
}
