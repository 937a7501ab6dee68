import type { Activation } from '../tensor/ops/biasActivation.js';
import { gelu } from '../tensor/ops/gelu.js';
import { relu } from '../tensor/ops/relu.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Trainable } from '../tensor/trainable.js';
import type { Module } from './module.js';

/** A module that applies an activation elementwise; the layer before it may fuse it (see Sequential). */
export interface ActivationModule extends Module {
  readonly activation: Activation;
}

/** A layer that can apply its bias and a following activation in one pass (Linear). */
export interface FusesActivation {
  forwardActivated(x: Tensor, activation: Activation): Tensor;
}

export function isActivationModule(module: Module | undefined): module is ActivationModule {
  return typeof (module as Partial<ActivationModule> | undefined)?.activation === 'string';
}

export function fusesActivation(module: Module): module is Module & FusesActivation {
  return typeof (module as Partial<FusesActivation>).forwardActivated === 'function';
}

/** max(x, 0) elementwise, as a module. */
export class ReLU implements ActivationModule {
  readonly activation = 'relu';
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
export class GELU implements ActivationModule {
  readonly activation = 'gelu';
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
