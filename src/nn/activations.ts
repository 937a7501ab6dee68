import { gelu } from '../tensor/ops/gelu.js';
import { relu } from '../tensor/ops/relu.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Module } from './module.js';
import type { Trainable } from './trainable.js';

/** max(x, 0) elementwise, as a module. */
export class ReLU implements Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}

/** GELU (tanh approximation) elementwise, as a module. */
export class GELU implements Module {
  forward(x: Tensor): Tensor {
    return gelu(x);
  }
  trainables(): Trainable[] {
    return [];
  }
  parameterCount(): number {
    return 0;
  }
}
